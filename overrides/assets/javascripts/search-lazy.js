/* Search loads when the reader asks for it, not on every page view.

   Material starts its search worker and downloads the year's whole search
   index as soon as a page opens (148 KB gzip for 300 units), although most
   readers never search. Here both wait until the reader focuses the search
   box, opens the search dialog, or opens a page with ?q= (a search link).

   How: overrides/partials/search.html gives the search form no name, so
   Material's bundle (bundle.ts: document.forms.namedItem("search")) never
   fetches the index itself; and this script, loaded after #__config and
   before the bundle, stands in for the Worker that Material constructs for
   the search URL of #__config. It keeps Material's messages until the reader
   asks, then starts the real worker (on file://, the iframe-worker shim that
   the offline plugin loaded first), loads the index as Material would
   (search_index.json, or search_index.js on file://) and sends the worker
   Material's SETUP message; the worker answers READY and Material's search
   box, results and ?q= links work as before. */
(function () {
  "use strict"

  var SETUP = 0  /* Material's SearchMessageType.SETUP */
  var config = JSON.parse(document.getElementById("__config").textContent)
  var searchUrl = new URL(config.search, location.href).href
  var base = new URL(config.base + "/", location.href)
  var NativeWorker = window.Worker
  var waiting = []
  var wanted = false

  function loadIndex() {
    if (location.protocol === "file:") {
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script")
        script.src = new URL("search/search_index.js", base).href
        script.onload = function () { resolve(window.__index) }
        script.onerror = reject
        document.head.appendChild(script)
      })
    }
    return fetch(new URL("search/search_index.json", base)).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.url)
      return response.json()
    })
  }

  /* What Material holds as its search worker: queues messages until started. */
  class LazySearchWorker extends EventTarget {
    constructor(url, options) {
      super()
      this.url = url
      this.options = options
      this.queue = []
      this.worker = null
      if (wanted) this.start()
      else waiting.push(this)
    }

    postMessage(message) {
      if (this.worker) this.worker.postMessage(message)
      else this.queue.push(message)
    }

    terminate() {
      if (this.worker) this.worker.terminate()
    }

    start() {
      var self = this
      var worker = this.worker = new NativeWorker(this.url, this.options)
      worker.addEventListener("message", function (event) {
        self.dispatchEvent(new MessageEvent("message", { data: event.data }))
      })
      worker.addEventListener("error", function (event) {
        console.error("search worker: " + (event.message || "failed to start"))
      })
      loadIndex().then(function (index) {
        worker.postMessage({ type: SETUP, data: { config: index.config, docs: index.docs, options: { suggest: false } } })
        self.queue.forEach(function (message) { worker.postMessage(message) })
        self.queue = []
      }, function (error) {
        console.error("search index: " + error)
      })
    }
  }

  function want() {
    if (wanted) return
    wanted = true
    waiting.splice(0).forEach(function (lazy) { lazy.start() })
  }

  window.Worker = function (url, options) {
    if (new URL(String(url), location.href).href !== searchUrl) return new NativeWorker(url, options)
    return new LazySearchWorker(url, options)
  }

  if (new URLSearchParams(location.search).has("q")) want()
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component=search-query]")) want()
  }, true)
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) want()
  }, true)
})()
