// The plain EventSource demo's script: a file, not inline, so the page runs under the app's content policy
// (script-src 'self').
(() => {
  const types = ["connected", "ping", "reset", "system", "notification", "update", "progress", "success", "error"];
  const $ = id => document.getElementById(id);
  let source = null, clientId = null, count = 0;

  function setState(state, text) {
    $("state").dataset.state = state;
    $("state-text").textContent = text;
    $("connect").disabled = state === "connected" || state === "connecting";
    $("disconnect").disabled = state === "disconnected";
    $("demo").disabled = state !== "connected";
  }

  function log(type, id, data) {
    const li = document.createElement("li");
    const time = new Date().toLocaleTimeString();
    li.innerHTML = `<span>${time}</span><span class="type"></span><span></span>`;
    li.children[1].textContent = type;
    li.children[2].textContent = (id ? `#${id} ` : "") + data;
    $("log").prepend(li);
    $("count").textContent = String(++count);
  }

  function connect() {
    const params = new URLSearchParams();
    const userId = $("userId").value.trim(), topics = $("topics").value.trim(), token = $("token").value.trim();
    if (token) params.set("access_token", token); else if (userId) params.set("userId", userId);
    if (topics) params.set("topics", topics);
    params.set("page", "sse-demo");
    source = new EventSource("/api/sse?" + params);
    setState("connecting", "Connecting…");
    source.onopen = () => setState("connected", "Connected");
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "error" : "connecting",
                                     source.readyState === EventSource.CLOSED ? "Closed by server" : "Reconnecting…");
    for (const type of types) {
      source.addEventListener(type, e => {
        if (type === "connected") { clientId = JSON.parse(e.data).clientId; $("client").textContent = "client " + clientId; setState("connected", "Connected"); }
        log(type, e.lastEventId, e.data);
      });
    }
    source.onmessage = e => log("message", e.lastEventId, e.data);
  }

  function disconnect() {
    source?.close(); source = null; clientId = null;
    $("client").textContent = "";
    setState("disconnected", "Disconnected");
  }

  async function sendDemo() {
    const token = $("token").value.trim();
    const response = await fetch("/api/sse/demo", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: "Bearer " + token } : {}) },
      body: JSON.stringify({ clientId }),
    });
    if (!response.ok) log("demo failed", null, `${response.status} ${await response.text()}`);
  }

  $("connect").onclick = connect;
  $("disconnect").onclick = disconnect;
  $("demo").onclick = sendDemo;
  $("clear").onclick = () => { $("log").innerHTML = ""; count = 0; $("count").textContent = "0"; };
})();
