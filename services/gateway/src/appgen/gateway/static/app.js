// The gateway's page: start a project, follow its progress over the WebSocket, show the preview.
const $ = (id) => document.getElementById(id);

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

async function start(prompt) {
  const response = await fetch("/api/v1/projects", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ prompt }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || body.title || "Request failed");
  return body;
}

function follow(project) {
  let last = 0;
  let done = false;
  const connect = () => {
    const socket = new WebSocket(`${project.websocket_url}?since=${last}`);
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.position === undefined) return; // pings and acknowledgements
      last = event.position;
      $("bar-fill").style.width = `${event.data.progress}%`;
      $("stage").textContent = event.data.message;
      const item = document.createElement("li");
      item.textContent = event.data.message;
      $("log").append(item);
      if (event.data.preview_url && !$("frame").src) showPreview(project);
      if (event.type === "complete" || event.event_type === "ProjectFailed") {
        done = true;
        $("go").disabled = false;
        if (event.type === "error") showError(event.data.message);
        socket.close();
      }
    };
    // A dropped socket resumes from the last position seen: nothing is missed or repeated.
    socket.onclose = () => { if (!done) setTimeout(connect, 1000); };
  };
  connect();
}

function showPreview(project) {
  $("frame").src = project.preview_url;
  $("open").href = project.preview_url;
  $("export").href = `/api/v1/projects/${project.project_id}/export?format=web`;
  $("qr").src = project.qr_url;
  $("links").hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  $("generate").addEventListener("submit", async (submit) => {
    submit.preventDefault();
    showError("");
    $("go").disabled = true;
    $("log").replaceChildren();
    $("frame").removeAttribute("src");
    $("links").hidden = true;
    $("progress").hidden = false;
    try {
      follow(await start($("prompt").value));
    } catch (error) {
      showError(error.message);
      $("go").disabled = false;
    }
  });
});
