// The demo page. zoomkit's npm package is served at /pkg/, the real
// @zoom/videosdk at /sdk/ (its dist/lib is the local dependent-assets
// folder), and tokens come from zoomkit-server's endpoint. The simulator
// (zoomkit/sim) is the default; with ZOOM_VIDEO_SDK_KEY/SECRET set on the
// server, the session runs on the real SDK.
import { init, Session, Stage, ZoomSdk } from "/pkg/index.js";
import ZoomVideo from "/sdk/index.esm.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const assets = new URL("/sdk/lib", location.href).href;

function log(text) {
  const li = document.createElement("li");
  li.textContent = `${new Date().toISOString().slice(11, 23)} ${text}`;
  $("event-log").prepend(li);
}

async function tokenProvider({ topic }) {
  const res = await fetch("/api/zoom/video-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sessionName: topic, role: 0 }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`token endpoint: ${res.status} ${body.message ?? ""}`);
  return body.signature;
}

/** Pre-join checks on the real SDK: browser support and devices. */
async function checkBrowser() {
  const sdk = new ZoomSdk(ZoomVideo);
  const compat = sdk.checkSystemRequirements();
  for (const [feature, ok] of Object.entries(compat)) {
    const dt = document.createElement("dt");
    dt.textContent = feature;
    const dd = document.createElement("dd");
    dd.textContent = ok ? "supported" : "not supported";
    $("compat").append(dt, dd);
  }
  await sdk.init("en-US", assets);
  $("sdk-status").textContent = "initialised";
  const lists = await sdk.getDevices();
  let count = 0;
  for (const [kind, devices] of [["camera", lists.cameras], ["microphone", lists.microphones], ["speaker", lists.speakers]]) {
    for (const d of devices) {
      const li = document.createElement("li");
      li.dataset.kind = kind;
      li.textContent = `${kind}: ${d.label || "(no label until permission is granted)"}`;
      $("devices").append(li);
      count += 1;
    }
  }
  log(`browser: ${JSON.stringify(compat)}, ${count} devices`);
}

async function main() {
  await init();
  const browserChecked = checkBrowser().catch((e) => {
    $("sdk-status").textContent = `error: ${e.message}`;
    log(`browser check failed: ${e.kind ?? ""} ${e.message}`);
  });
  const { mode } = await (await fetch("/api/demo-config")).json();
  $("mode").textContent = mode === "sim" ? "simulator" : "real Zoom SDK";

  let zoomVideo = ZoomVideo;
  let sim = null;
  if (mode === "sim") {
    const simModule = await import("/pkg/sim/index.js");
    await simModule.init();
    sim = simModule.createSim({
      seed: 1,
      participants: [{ name: "Ann", video: true, audio: true }, { name: "Bo", audio: true }],
      devices: [
        { kind: "camera", label: "Desk Camera" },
        { kind: "camera", label: "Laptop Camera" },
        { kind: "microphone", label: "Headset Microphone" },
        { kind: "microphone", label: "Laptop Microphone" },
        { kind: "speaker", label: "Headset" },
        { kind: "speaker", label: "Laptop Speakers" },
      ],
    });
    zoomVideo = sim.zoomVideo;
  } else {
    document.querySelector('[data-testid="faults-panel"]').hidden = true;
  }
  window.demo = { sim }; // for the browser test and the curious

  // In simulator mode, "as host" joins with the simulator's own host token
  // (the demo's token endpoint signs participant tokens only).
  let asHost = false;
  const provider = (req) => (sim && asHost ? sim.token({ topic: req.topic, role: 1 }) : tokenProvider(req));
  // Every diagnostic zoomkit emits, through the logger option (nothing
  // reaches the console from zoomkit while it is set).
  const logger = (r) => {
    if (r.level !== "debug") log(`[${r.level}] ${r.kind}${r.op ? ` ${r.op}` : ""}: ${r.message}`);
  };
  const session = new Session({ zoomVideo, tokenProvider: provider, dependentAssets: assets, logger });
  // Others' shares are drawn here (startShareView) while someone shares.
  session.setShareView($("share-view"));
  window.demo.session = session;

  const render = () => {
    const state = session.state;
    $("state").textContent = state;
    const inSession = ["connected", "reconnecting", "rejoining"].includes(state);
    const busy = !["idle", "left", "ended", "failed"].includes(state);
    $("join").disabled = busy;
    $("leave").disabled = !busy;
    const audio = session.audio();
    $("mute").disabled = !inSession;
    $("mute").textContent = audio.muted ? "Unmute" : "Mute";
    $("camera").disabled = !inSession;
    $("camera").textContent = session.videoOn() ? "Camera off" : "Camera on";
    $("media").textContent = `audio ${audio.connected ? (audio.muted ? "muted" : "on") : "off"}, camera ${session.videoOn() ? "on" : "off"}`;
    const ul = $("participants");
    const me = session.selfId();
    ul.replaceChildren(
      ...session.participants().map((p) => {
        const li = document.createElement("li");
        li.dataset.userId = p.userId;
        li.dataset.reconnecting = p.reconnecting;
        li.dataset.name = p.displayName;
        li.dataset.speaking = p.speaking;
        // One quality indicator per participant: the worse of up and down.
        const levels = [p.uplinkQuality, p.downlinkQuality].filter((q) => q !== null);
        const quality = levels.length ? Math.min(...levels) : null;
        li.dataset.quality = quality ?? "";
        const net = quality === null ? "" : ` · network ${quality <= 1 ? "bad" : quality === 2 ? "normal" : "good"} (${quality})`;
        li.textContent = `${p.displayName}${p.isHost ? " (host)" : ""}${p.isManager ? " (manager)" : ""}${p.videoOn ? " 📷" : ""}${p.muted ? " 🔇" : ""}${p.speaking ? " 🗣 speaking" : ""}${net}${p.reconnecting ? " — reconnecting…" : ""}`;
        if (p.userId !== me && inSession) {
          // Host controls on each participant; zoomkit refuses them (typed)
          // when you lack the role, and the refusal is shown.
          for (const [testid, label, call] of [
            ["host-mute", "mute", () => session.muteParticipant(p.userId)],
            ["host-ask-unmute", "ask to unmute", () => session.askToUnmute(p.userId)],
            ["host-make-manager", p.isManager ? "revoke manager" : "make manager",
              () => (p.isManager ? session.revokeManager(p.userId) : session.makeManager(p.userId))],
            ["host-make-host", "make host", () => session.makeHost(p.userId)],
            ["host-remove", "remove", () => session.removeParticipant(p.userId)],
          ]) {
            const b = document.createElement("button");
            b.type = "button";
            b.dataset.testid = testid;
            b.textContent = label;
            b.addEventListener("click", () => act(call));
            li.append(" ", b);
          }
        }
        return li;
      }),
    );
    $("mic-level").value = session.audioLevel() ?? 0;
    const view = session.shareView();
    const nameOf = (id) => session.participants().find((p) => p.userId === id)?.displayName ?? id;
    $("share-view-status").textContent = view.viewing !== null ? `viewing ${nameOf(view.viewing)}'s share`
      : view.active !== null ? `${nameOf(view.active)} shares` : "none";
    $("share-view").hidden = view.viewing === null;
    $("role").textContent = session.role();
    const share = session.sharePrivilege() ?? "unlocked";
    $("share-privilege").textContent = share;
    $("lock-share").textContent = share === "locked" ? "Unlock share" : "Lock share";
    $("chat-privilege").textContent = session.chatPrivilege() ?? "all";
    const to = $("chat-to");
    const chosen = to.value;
    to.replaceChildren(
      new Option("Everyone", ""),
      ...session.participants().filter((p) => p.userId !== me).map((p) => new Option(p.displayName, String(p.userId))),
    );
    if ([...to.options].some((o) => o.value === chosen)) to.value = chosen;
    $("chat-log").replaceChildren(
      ...session.chatHistory().map((m) => {
        const li = document.createElement("li");
        li.dataset.testid = "chat-message";
        li.dataset.private = String(m.receiver.userId !== 0);
        li.textContent = `${m.sender.name}${m.receiver.userId !== 0 ? ` → ${m.receiver.name}` : ""}: ${m.message ?? ""}`;
        return li;
      }),
    );
    const status = session.recordingStatus();
    $("rec-status").textContent = status ?? "not recording";
    $("rec-can").textContent = session.canStartRecording() ? "yes" : "no";
    $("rec-consent").hidden = !session.recordingConsentPending();
    const lists = session.devices();
    for (const [kind, key] of [["camera", "cameras"], ["microphone", "microphones"], ["speaker", "speakers"]]) {
      const select = $(`${kind}-select`);
      const list = lists?.[key] ?? [];
      const current = select.value;
      select.replaceChildren(
        ...list.map((d) => {
          const o = document.createElement("option");
          o.value = d.deviceId;
          o.textContent = d.label || d.deviceId.slice(0, 8);
          return o;
        }),
      );
      if (list.some((d) => d.deviceId === current)) select.value = current;
    }
  };

  const showStats = (s, final) => {
    const rows = [
      ["final", final ? "yes" : "no (live)"],
      ["time to join", s.joinMs === null ? "—" : `${s.joinMs} ms`],
      ["first remote camera", s.firstRemoteVideoMs === null ? "—" : `${s.firstRemoteVideoMs} ms after connecting`],
      ["connected", `${(s.connectedMs / 1000).toFixed(1)} s`],
      ["reconnects", s.reconnects.map((r) => `${r.kind} (${r.cause}) ${r.durationMs === null ? "not back" : `${(r.durationMs / 1000).toFixed(1)} s`}`).join("; ") || "none"],
      ["rejoin attempts", s.rejoinAttempts],
      ["device switches", s.deviceSwitches],
      ["camera", `${(s.captureMs.standard / 1000).toFixed(1)} s standard, ${(s.captureMs.hd / 1000).toFixed(1)} s hd, ${(s.captureMs.fullHd / 1000).toFixed(1)} s full hd`],
      ["audio-only", `${(s.audioOnlyMs / 1000).toFixed(1)} s`],
      ["media failures", s.mediaFailures],
    ];
    $("stats").replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.dataset.stat = k;
      dd.textContent = String(v);
      return [dt, dd];
    }));
  };
  session.on("stateChanged", (e) => {
    if (e.to === "connected" && (e.from === "reconnecting" || e.from === "rejoining") && e.inPreviousMs !== null) {
      $("last-reconnect").textContent = `${e.from === "reconnecting" ? "Zoom failover" : "rejoined"}: reconnected in ${(e.inPreviousMs / 1000).toFixed(1)} s`;
    }
  });
  session.on("stats", (s) => showStats(s, true));
  setInterval(() => {
    if (["connected", "reconnecting", "rejoining"].includes(session.state)) showStats(session.stats(), false);
  }, 1000);

  session.on("*", (e) => {
    const { event, ...rest } = e;
    log(`${event} ${JSON.stringify(rest)}`);
    if (event === "activeDeviceChanged" && e.device) {
      const select = $(`${e.kind}-select`);
      render();
      select.value = e.device.deviceId;
    }
    render();
  });

  document.getElementById("join-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    $("error").textContent = "";
    asHost = form.get("host") === "on";
    try {
      await session.join({
        topic: form.get("topic"),
        userName: form.get("userName"),
        audio: form.get("audio") === "on",
        video: form.get("video") === "on",
      });
    } catch (e) {
      $("error").textContent = e.hint ? `${e.message}` : e.message;
      log(`join failed: ${e.kind} ${e.message}`);
    }
    render();
  });
  $("leave").addEventListener("click", async () => {
    const final = await session.leave();
    log(`left: ${final}`);
    render();
  });
  // Every action returns a promise; a refusal is a ZoomkitError with a `code`.
  const act = async (call) => {
    $("action-error").textContent = "";
    try {
      await call();
    } catch (e) {
      $("action-error").textContent = `${e.code ?? e.kind}: ${e.message}`;
      log(`refused: ${e.code ?? e.kind} ${e.message}`);
    }
    render();
  };
  $("lock-share").addEventListener("click", () => act(() => session.lockShare(session.sharePrivilege() !== "locked")));
  $("chat-privilege-select").addEventListener("change", (e) => act(() => session.setChatPrivilege(e.target.value)));
  document.getElementById("chat-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("chat-input").value;
    const to = $("chat-to").value;
    act(async () => {
      await session.sendChat(text, to ? Number(to) : undefined);
      $("chat-input").value = "";
    });
  });
  for (const [id, call] of [
    ["rec-start", () => session.startRecording()],
    ["rec-pause", () => session.pauseRecording()],
    ["rec-resume", () => session.resumeRecording()],
    ["rec-stop", () => session.stopRecording()],
    ["rec-accept", () => session.acceptRecording()],
    ["rec-decline", () => session.declineRecording()],
  ]) {
    $(id).addEventListener("click", () => act(call));
  }
  $("mute").addEventListener("click", () => (session.audio().muted ? session.unmute() : session.mute()));
  $("camera").addEventListener("click", () => (session.videoOn() ? session.stopVideo() : session.startVideo()));
  for (const kind of ["camera", "microphone", "speaker"]) {
    $(`${kind}-select`).addEventListener("change", (e) => session.selectDevice(kind, e.target.value));
  }

  const faults = {
    failover: () => sim.failover(3000),
    drop: () => sim.dropConnection(5000),
    fail: () => sim.fail(),
    ended: () => sim.close("ended by host"),
    removed: () => sim.close("kicked by host"),
    "expire-token": () => sim.expireToken(),
    "unplug-camera": () => sim.unplug("camera", activeLabel("camera") ?? "Desk Camera"),
    "replug-camera": () => sim.replug("camera", unplugged.camera ?? "Desk Camera"),
    "revoke-camera": () => sim.revokePermission("camera"),
    "media-failed": () => sim.mediaFailed(101),
    "quality-ramp": () => sim.qualityRamp({ direction: "downlink", from: 5, to: 1, stepMs: 500 }),
    "add-participants": () => sim.addParticipants(3),
    "participant-failover": () => sim.act("participantFailover", { who: "Ann", ms: 4000 }),
    chat: () => sim.act("sendChat", { who: "Ann", text: "Hello everyone!" }),
    "chat-private": () => sim.act("sendChat", { who: "Ann", text: "Psst, just to you", toMe: true }),
    "chat-public-only": () => sim.act("setChatPrivilege", { privilege: 5 }),
    "host-mute": () => sim.act("hostMuteMe"),
    "host-ask-unmute": () => sim.act("hostAskUnmute"),
    "host-records": () => sim.act("setRecording", { status: "Recording" }),
    "ask-consent": () => sim.act("askRecordingConsent"),
    speak: () => sim.act("speak", { who: "Ann" }),
    share: () => sim.act("setShare", { who: "Ann", on: true }),
    "share-stop": () => sim.act("setShare", { who: "Ann", on: false }),
    "ann-quality": () => {
      const ann = session.participants().find((p) => p.displayName === "Ann");
      sim.qualityRamp({ userId: ann?.userId ?? 0, direction: "downlink", from: 5, to: 1, stepMs: 300 });
    },
    "mic-level": () => sim.act("micLevel", { level: 6 }),
  };
  const unplugged = {};
  const activeLabel = (kind) => {
    const select = $(`${kind}-select`);
    const label = select.selectedOptions[0]?.textContent;
    if (label) unplugged[kind] = label;
    return label;
  };
  for (const button of document.querySelectorAll("[data-fault]")) {
    button.addEventListener("click", () => {
      try {
        faults[button.dataset.fault]();
        log(`fault: ${button.dataset.fault}`);
      } catch (e) {
        log(`fault ${button.dataset.fault} refused: ${e.message}`);
      }
      render();
    });
  }
  // ---- Stage: the core's layout, applied by zoomkit's Stage ----
  const stageEl = $("stage");
  const names = new Map();
  let lastLayout = null;
  const renderStage = (layout) => {
    lastLayout = layout;
    for (const p of session.participants()) names.set(p.userId, p.displayName);
    stageEl.replaceChildren(
      ...layout.tiles.map((t) => {
        const div = document.createElement("div");
        div.className = "tile";
        div.dataset.testid = "tile";
        div.dataset.userId = t.userId;
        div.dataset.role = t.role;
        div.dataset.self = t.isSelf;
        div.dataset.speaking = t.speaking;
        Object.assign(div.style, {
          left: `${t.rect.x}px`, top: `${t.rect.y}px`, width: `${t.rect.width}px`, height: `${t.rect.height}px`, zIndex: t.z,
        });
        const q = t.quality === null ? "no video" : ["90p", "180p", "360p", "720p", "1080p"][t.quality];
        div.textContent = `${names.get(t.userId) ?? t.userId}${t.kind === "share" ? " (screen)" : ""} · ${q}`;
        return div;
      }),
    );
    $("page").textContent = `${layout.page + 1}/${layout.pageCount}`;
    const byQuality = {};
    for (const t of layout.tiles) if (t.quality !== null) byQuality[t.quality] = (byQuality[t.quality] ?? 0) + 1;
    const attached = stage.attached().length;
    $("layout-summary").textContent = `${layout.mode.kind}: ${layout.tiles.length} tiles, ${attached} videos attached, receive ` +
      (Object.entries(byQuality).map(([q, n]) => `${n}×${["90p", "180p", "360p", "720p", "1080p"][q]}`).join(", ") || "none");
  };
  const stage = new Stage(session, {
    viewport: { width: stageEl.clientWidth || 800, height: stageEl.clientHeight || 420 },
    gap: 4,
    onLayout: renderStage,
    onQuality: (q) => {
      const name = (n) => (n === null ? "undecided" : ["90p", "180p", "360p", "720p", "1080p"][n]);
      $("quality").textContent =
        `capture ${name(q.capture)}, max videos ${q.maxVideos ?? "undecided"}, audio-only ${q.audioOnly ? "yes" : "no"}` +
        (q.receive.length ? `, receive caps ${q.receive.map(([u, n]) => `${names.get(u) ?? u}:${name(n)}`).slice(0, 4).join(" ")}` : "");
      $("diagnostics").textContent = q.diagnostics.map((d) => d.message).join(" ");
      log(`quality: ${$("quality").textContent}`);
    },
  });
  window.demo.stage = stage;
  new ResizeObserver(() => stage.setViewport(stageEl.clientWidth || 800, stageEl.clientHeight || 420)).observe(stageEl);
  let page = 0;
  $("layout-mode").addEventListener("change", (e) => {
    const kind = e.target.value;
    const others = session.participants().filter((p) => p.userId !== session.selfId());
    const mode = kind === "fullscreen" ? { kind, userId: (others[0] ?? session.participants()[0])?.userId ?? 0 } : { kind };
    page = 0;
    stage.setPage(0);
    stage.setMode(mode);
  });
  $("page-prev").addEventListener("click", () => stage.setPage((page = Math.max(0, page - 1))));
  $("page-next").addEventListener("click", () => {
    page = Math.min((lastLayout?.pageCount ?? 1) - 1, page + 1);
    stage.setPage(page);
  });
  for (const button of document.querySelectorAll("[data-count]")) {
    button.addEventListener("click", () => {
      if (!sim) return;
      const want = Number(button.dataset.count);
      const me = session.selfId();
      const others = session.participants().filter((p) => p.userId !== me);
      const have = others.length + 1;
      // Simulated people join with their cameras on, every third one muted.
      for (let i = have; i < want; i++) {
        sim.act("addParticipant", { name: `Guest ${i}`, video: true, audio: i % 3 !== 0 });
      }
      for (const p of others.slice(Math.max(0, want - 1)).reverse()) sim.removeParticipant(p.userId);
      log(`participants: ${want}`);
    });
  }
  render();
  // Everything is wired: the join button is live (tests wait for this).
  document.body.dataset.ready = "true";
  await browserChecked;
}

main().catch((e) => {
  $("sdk-status").textContent = `error: ${e.message}`;
  log(`error: ${e.kind ?? ""} ${e.message}`);
  console.error(e);
});
