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
   asks, then starts the real worker (from files, the iframe-worker shim that
   the offline plugin loaded first) and sends it
   Material's SETUP message (with the address of the index's shards instead
   of the index, the page's address for the error the worker may show, and
   on a region's pages its code: see setupMessage); the
   worker answers READY and Material's search box, results and ?q= links
   work as before. */
(function () {
  "use strict"

  var SETUP = 0, QUERY = 2, RESULT = 3  /* Material's SearchMessageType */
  var configElement = document.getElementById("__config")
  var config = JSON.parse(configElement.textContent)
  /* On a region's pages of a regional platform: its code, whose results come first. */
  var region = configElement.getAttribute("data-budget-region")
  var searchUrl = new URL(config.search, location.href).href
  var base = new URL(config.base, location.href)  /* as Material makes it absolute */
  var NativeWorker = window.Worker
  var waiting = []
  var wanted = false

  /* Material's SETUP message, with the address of the index's shards
     instead of the index: the worker loads the shards a query needs itself
     (importScripts, which the iframe-worker shim also provides from files). */
  function setupMessage() {
    var shards = new URL("search/shards/", base).href
    var data = { shards: shards, page: location.href, options: { suggest: false } }
    if (region) data.region = region
    return Promise.resolve({ type: SETUP, data: data })
  }

  /* What Material holds as its search worker: keeps messages until set up. */
  class LazySearchWorker extends EventTarget {
    constructor(url, options) {
      super()
      this.url = url
      this.options = options
      this.queue = []
      this.asked = undefined  /* the last query Material sent */
      this.worker = null
      this.ready = false
      if (wanted) this.start()
      else waiting.push(this)
    }

    postMessage(message) {
      if (message && message.type === QUERY) this.asked = message.data
      if (this.ready) this.worker.postMessage(message)
      else this.queue.push(message)
    }

    terminate() {
      if (this.worker) this.worker.terminate()
    }

    start() {
      var self = this
      this.worker = new NativeWorker(this.url, this.options)
      this.worker.addEventListener("message", function (event) {
        var data = event.data
        /* Material shows an answer under whatever the search box holds when it
           arrives: the empty box's answer (asked as search became ready) arriving
           after the reader entered a query would read 没有找到 before the results. */
        if (data && data.type === RESULT && data.data && data.data.query !== undefined &&
            data.data.query !== self.asked) return
        self.dispatchEvent(new MessageEvent("message", { data: data }))
      })
      this.worker.addEventListener("error", function (event) {
        console.error("search worker: " + (event.message || "failed to start"))
      })
      setupMessage().then(function (message) {
        self.worker.postMessage(message)
        self.ready = true
        self.queue.splice(0).forEach(function (queued) { self.worker.postMessage(queued) })
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
