// Reloads an open preview when a later event writes files (a screen, components, an image) or an
// edit lands; it listens for as long as the preview is open, since a finished app can still change.
// It follows the preview's own reload signal (`__events`), which needs no key and says nothing
// about the project beyond "reload".
(() => {
  const me = new URL(document.currentScript.src);
  const since = me.searchParams.get("since") || "0";
  const source = new EventSource(new URL(`__events?since=${since}`, me));
  let timer = null;
  source.onmessage = (message) => {
    const signal = JSON.parse(message.data);
    if (signal.done) source.close();
    if (signal.reload) {
      clearTimeout(timer);
      // Several events often land together; reload once after they settle.
      timer = setTimeout(() => location.reload(), 200);
    }
  };
})();
