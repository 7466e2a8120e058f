"""What publishing needs from the file system beyond ``pathlib``.

- Modes a web server can read. The web server runs as another user
  (Debian's nginx: ``www-data``), and ``rsync -a`` carries modes to the server,
  so whatever is published or kept for publishing gets the modes ``cp`` would
  give a new file: directories 0777 and files 0666, less the umask (0755 and
  0644 with the usual 022). ``tempfile`` makes private (0700/0600) folders and
  files, which are fine while being written but must not be swapped in as such.
- An atomic swap of two folders (Linux ``renameat2(RENAME_EXCHANGE)``), so a
  reader never finds ``site/`` missing between two renames.
- Write failures (full disk, read-only file system, no permission) told in
  Chinese with the path, instead of a traceback.
"""

from __future__ import annotations

import ctypes
import errno
import os
import tempfile
import threading
from pathlib import Path

from . import interruption

_umask_lock = threading.Lock()


def umask() -> int:
    """The process's umask: from /proc on Linux; elsewhere reading it means setting it
    for a moment, which the lock keeps to one thread of ours."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def dir_mode() -> int:
    return 0o777 & ~umask()


def file_mode() -> int:
    return 0o666 & ~umask()


def make_published(path: Path) -> None:
    """Give a folder or file made private by ``tempfile`` the mode a new one would have."""
    path.chmod(dir_mode() if path.is_dir() else file_mode())


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then rename twice)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # file system or kernel without it
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


CAUSES = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "不允许此操作（权限不足）",
    errno.EIO: "磁盘读写出错",
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已经存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件太多",
    errno.ENOMEM: "内存不足",
    errno.EXDEV: "不能跨文件系统移动",
    errno.EBUSY: "正被占用",
}


def cause_of(error: OSError) -> str:
    """Why a read or write failed, in Chinese."""
    return CAUSES.get(error.errno, f"系统错误（错误码 {error.errno}）" if error.errno else "系统错误")


def describe_os_error(error: OSError, where: Path | str) -> str:
    """``path: 错误: cause``, in Chinese, for a failed read or write. A write into an
    open file (zip, a worker's pipe) names no file: ``where`` it was going then."""
    path = error.filename if error.filename is not None else f"{where}（写入时）"
    return f"{path}: 错误: {cause_of(error)}"


def write_atomically(target: Path, content: bytes, replace: bool) -> None:
    """Write ``target`` aside and move it into place, so a full disk or a kill never
    leaves half a file; without ``replace`` an existing file is kept (FileExistsError)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            os.fchmod(out.fileno(), file_mode())
        interruption.check()
        if replace:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails if it exists, never overwrites
    finally:
        Path(temporary).unlink(missing_ok=True)
