"""``budget-site``: check and build the disclosure site from ``data/``; archive
and verify a published year.

Exit 0 on success, 1 on invalid input, 2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import interruption
from .filesystem import describe_os_error
from .lint import lint_year
from .loading import load_data
from .problems import DataError
from .report import site_base_for, write_report
from .site_lock import SiteBusy


def build_parser() -> argparse.ArgumentParser:
    """Every command and option; README's synopsis is made from it (``synopsis.py``)."""
    parser = argparse.ArgumentParser(prog="budget-site", description="部门预算绩效文本网站工具")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = commands.add_parser("check", help="检查数据并给出审核意见")
    check.add_argument("--data", type=Path, default=Path("data"), help="数据文件夹（默认 data）")
    check.add_argument("--strict", action="store_true", help="有审核警告也视为不通过（退出码 1）")
    check.add_argument("--report", type=Path, metavar="FILE.html", help="把审核警告写成一个可直接打开的网页")
    check.add_argument("--site", type=Path, default=Path("site"), help="报告链接到的网站文件夹（默认 site）")
    check.add_argument("--site-url", metavar="URL", help="报告改为链接到已发布的网站，如 https://example.gov.cn/ysjx/")
    check.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                       help="MkDocs 配置，从中读取已冻结的年度（默认 mkdocs.yml）")
    check.add_argument("--archives", type=Path, default=Path("archives"),
                       help="已冻结年度的归档，核对数据是否与归档时相同（默认 archives）")

    build = commands.add_parser("build", help="检查数据并生成网站")
    build.add_argument("--data", type=Path, default=Path("data"), help="数据文件夹（默认 data）")
    build.add_argument("--site", type=Path, default=Path("site"), help="网站输出文件夹（默认 site）")
    build.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置（默认 mkdocs.yml）")
    build.add_argument("--archives", type=Path, default=Path("archives"),
                       help="已冻结年度从这里的归档原样恢复（默认 archives）")
    build.add_argument("--no-wait", action="store_true",
                       help="另一个生成过程正在写入同一网站文件夹时不等待，直接退出（退出码 1）")
    build.add_argument("--region", action="append", default=[], metavar="CODE",
                       help="按地区存放的数据：只重新生成这个地区（可重复）、它的上级地区首页和年度首页，"
                            "其余地区保持已发布的样子")
    build.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="按地区存放的数据：同时生成的地区数（进程数，默认为处理器核数）")

    archive = commands.add_parser("archive", help="把一个年度的网站打包归档（zip、SHA-256 清单和校验文件）")
    archive.add_argument("year", type=int, metavar="YEAR", help="年度，如 2023")
    archive.add_argument("--site", type=Path, default=Path("site"), help="网站文件夹（默认 site）")
    archive.add_argument("--archives", type=Path, default=Path("archives"), help="归档文件夹（默认 archives）")
    archive.add_argument("--force", action="store_true", help="替换内容不同的已有归档")

    verify = commands.add_parser("verify", help="核对归档：zip 的 SHA-256 和其中每个文件")
    verify.add_argument("archive", type=Path, metavar="ARCHIVE", help="归档文件，如 archives/2023.zip")

    import_ = commands.add_parser("import", help="导入各单位报送的原文（Word、PDF、填报工作簿或转换后的文字）")
    import_.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                         help="原文文件（.docx、.pdf、.xlsx、.txt）或文件夹（含子文件夹中的全部原文）")
    import_.add_argument("--data", type=Path, default=Path("data"), help="数据文件夹（默认 data）")
    import_.add_argument("--force", action="store_true", help="覆盖已有的数据文件")
    import_.add_argument("--dry-run", action="store_true",
                         help="只检查并列出会改动什么，不写入任何文件（审核报告除外）")
    import_.add_argument("--report", type=Path, metavar="FILE.html",
                         help="把导入情况（未导入的原因、改动、未归类原文、替换的字符、跨页接回的行）和审核警告写成一个网页")
    import_.add_argument("--region", metavar="CODE",
                         help="按地区存放的数据（有 regions.yaml）：单位所属地区的代码，写入 DIR/<年度>/<地区>/")

    template = commands.add_parser("template", help="生成填报工作簿（Excel/WPS），填好或改好后用 import 导入")
    template.add_argument("out", type=Path, metavar="OUT.xlsx", help="要写出的工作簿")
    template.add_argument("--year", type=int, help="年度（默认：--unit 时取该单位最新的年度，否则取今年）")
    template.add_argument("--unit", metavar="CODE", help="单位编码：用 data/ 中该单位的数据预先填好")
    template.add_argument("--projects", type=int, default=1, metavar="N", help="空白工作簿的项目表个数（默认 1）")
    template.add_argument("--region", metavar="CODE",
                          help="按地区存放的数据：单位所属地区的代码（单位编码在各地区间可能重复）")
    template.add_argument("--data", type=Path, default=Path("data"), help="数据文件夹（默认 data）")
    template.add_argument("--force", action="store_true", help="覆盖已有的文件")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    interruption.install()
    try:
        if args.command == "check":
            return _check(args.data, args.strict, args.report, args.site_url or args.site, args.config, args.archives)
        if args.command == "import":
            from .import_cli import run_import

            return run_import(args.paths, args.data, args.force, args.report, args.region, args.dry_run)
        if args.command == "template":
            from .workbook.command import write_template

            return write_template(args.out, args.year, args.unit, args.projects, args.data, args.force, args.region)
        if args.command == "archive":
            return _archive(args.year, args.site, args.archives, args.force)
        if args.command == "verify":
            return _verify(args.archive)
        return _build(args.data, args.site, args.config, args.archives, not args.no_wait, args.jobs, args.region)
    except DataError as error:
        print(error, file=sys.stderr)
        print(f"共 {len(error.problems)} 个错误。", file=sys.stderr)
        return 1
    except SiteBusy as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a read-only file system, no permission
        where, unchanged = _WRITES.get(args.command, (None, ""))
        print(describe_os_error(error, getattr(args, where) if where else "."), file=sys.stderr)
        print(unchanged, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，原有网站和数据保持不变。", file=sys.stderr)
        return 130


# What each command writes (the option naming it) and what stays when writing fails.
_WRITES = {
    "build": ("site", "网站未生成，原有网站保持不变。"),
    "import": ("data", "未导入，原有数据文件保持不变。"),
    "archive": ("archives", "未归档，原有归档保持不变。"),
    "template": ("out", "工作簿没有写出。"),
}


def _positive(text: str) -> int:
    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际是“{text}”")
    return int(text)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _check(data_dir: Path, strict: bool, report: Path | None, site: Path | str, config_file: Path,
           archives_dir: Path) -> int:
    from .site_build import configured_frozen, frozen_archives

    years = load_data(data_dir)
    frozen = frozen_archives(data_dir, years, configured_frozen(config_file), archives_dir)
    by_year = {year: lint_year(data) for year, data in sorted(years.items())}
    warnings = [warning for found in by_year.values() for warning in found]
    for warning in warnings:
        print(warning)
    for year, data in sorted(years.items()):
        projects = sum(len(u.projects) for u in data.units)
        unchanged = f"（已冻结，与 {frozen[year]} 一致）" if year in frozen else ""
        regions = f"{len({u.region for u in data.units})} 个地区，" if data.regions is not None else ""
        print(f"{year} 年：{regions}{len(data.units)} 个单位，{projects} 个项目，数据无误{unchanged}，"
              f"{len(by_year[year])} 条审核警告。")
    if report is not None:
        base = site if isinstance(site, str) else site_base_for(report, site)
        write_report(report, years, warnings, base)
        print(f"审核报告：{report}")
    if strict and warnings:
        print(f"--strict：有 {len(warnings)} 条审核警告，不通过。", file=sys.stderr)
        return 1
    return 0


def _archive(year: int, site_dir: Path, archives_dir: Path, force: bool) -> int:
    from .archive import archive_year, checksum_path, verify_archive

    path = archive_year(site_dir, year, archives_dir, force=force, on_wait=_say)
    verified = verify_archive(path)
    digest = checksum_path(path).read_text("utf-8").split()[0]
    print(f"{path}：{year} 年度，{verified.files} 个文件，{path.stat().st_size / 1e6:.1f} MB")
    print(f"SHA-256 {digest}（{checksum_path(path)}）")
    return 0


def _verify(path: Path) -> int:
    from .archive import checksum_path, verify_archive

    verified = verify_archive(path)
    print(f"{path}：完好。{verified.year} 年度，{verified.files} 个文件与清单一致，"
          f"zip 的 SHA-256 与 {checksum_path(path).name} 一致。")
    return 0


def _build(data_dir: Path, site_dir: Path, config_file: Path, archives_dir: Path, wait: bool, jobs: int,
           regions: list[str]) -> int:
    if not config_file.is_file():
        print(f"{config_file}: 错误: 找不到 MkDocs 配置文件（请在项目文件夹中运行，或用 --config 指定）",
              file=sys.stderr)
        return 1
    from mkdocs.exceptions import Abort, ConfigurationError

    from .regional_build import terminal_progress
    from .site_build import build_site

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    handler.addFilter(_not_os_errors)  # told in Chinese below
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING)
    try:
        built = build_site(data_dir, site_dir, config_file, archives_dir, wait=wait, on_wait=_say, jobs=jobs,
                           regions=regions, progress=terminal_progress())
    except (Abort, ConfigurationError) as error:
        print(f"网站生成失败，{site_dir} 保持不变：{error}", file=sys.stderr)
        return 1
    finally:
        mkdocs_log.removeHandler(handler)
    for year in built.years:
        restored = f"（已冻结，从 {year.restored_from} 原样恢复）" if year.restored_from else ""
        projects = f"，{year.projects} 个项目" if year.projects is not None else ""
        print(f"{site_dir}/{year.year}/：{year.units} 个单位{projects}{restored}")
    if missing := built.missing_footer:
        print(f"提醒：{config_file} 的 extra.footer 中尚未填写{'、'.join(missing)}，页脚不显示这些信息；"
              "发布前请填写本网站的登记信息。", file=sys.stderr)
    for setting in built.unset_identity:
        print(f"提醒：{config_file} 的 {setting}。", file=sys.stderr)
    return 0


def _not_os_errors(record: logging.LogRecord) -> bool:
    """MkDocs logs a failed page write ("Error building page …: [Errno 28] …") in
    English before the error reaches us; we say it in Chinese instead."""
    return "[Errno " not in record.getMessage()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
