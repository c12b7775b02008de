// Reloads an open preview when a later event writes files (a screen, components, an image).
(() => {
  const me = new URL(document.currentScript.src);
  const projectId = me.pathname.split("/")[2];
  const since = me.searchParams.get("since") || "0";
  const source = new EventSource(`/api/v1/projects/${projectId}/stream?since=${since}`);
  let timer = null;
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const wrote = Array.isArray(event.data.files) && event.data.files.length > 0;
    if (wrote || event.type === "complete") {
      clearTimeout(timer);
      // Several events often land together; reload once after they settle.
      timer = setTimeout(() => location.reload(), 200);
    }
  };
})();
