// voicechat page: plain JavaScript, no build step. Speaks protocol v1 (see voicechat-web/README.md) over a WebSocket
// (PCM16 frames) or over WebRTC (Opus tracks, the JSON messages on a data channel; voicechat-webrtc-edge/README.md).
//
// Contract for automated use (kept stable):
//   ?autostart=1 starts without a click; ?transport=webrtc picks WebRTC (websocket is the default);
//   window.voicechat = { events: [every JSON message received, in order], playedMs: <ms of bot audio actually
//   played>, state: <last session state> }; over WebRTC also clear: { gateMs, drainMs } after a barge-in (how long
//   bot audio could still be heard after 'clear' arrived, and how long the incoming stream took to fall quiet).
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const vc = window.voicechat = { events: [], playedMs: 0, state: 'IDLE' };

  const $ = (id) => document.getElementById(id);
  const ui = {
    start: $('start'), stop: $('stop'), rate: $('rate'), transport: $('transport'), rateLabel: $('rate-label'), state: $('state'), banner: $('banner'),
    bannerText: $('banner-text'), retry: $('retry'), mic: $('mic-level'), bot: $('bot-level'), played: $('played'),
    typed: $('typed'), typedText: $('typed-text'), send: $('send'), timeline: $('timeline'), hint: $('hint'),
  };

  const FRAME_MS = 20;
  const PREBUFFER_MS = 60;
  let ctx = null;          // one AudioContext for the page's life
  let workletsLoaded = false;
  let conn = null;         // the live connection and its audio graph

  if (params.get('transport') === 'webrtc' || params.get('transport') === 'websocket') {
    ui.transport.value = params.get('transport');
  }
  // Over WebRTC the bot comes as Opus at 48 kHz: the rate choice is the WebSocket's only.
  const transportChanged = () => { ui.rateLabel.style.display = ui.transport.value === 'webrtc' ? 'none' : ''; };
  ui.transport.addEventListener('change', transportChanged);
  transportChanged();

  // ---------------------------------------------------------------- connection

  async function start() {
    if (conn) return;
    hideBanner();
    setButtons(true);
    showState('connecting', 'connecting…');
    const c = conn = { ws: null, pc: null, dc: null, resource: null, mic: null, source: null, capture: null,
      playback: null, meter: null, remoteAudio: null, userStopped: false, closed: false,
      webrtc: ui.transport.value === 'webrtc' };
    if (!window.isSecureContext || !navigator.mediaDevices || !window.AudioWorkletNode) {
      teardown(c);
      showBanner(!window.AudioWorkletNode && window.isSecureContext
        ? 'This browser has no AudioWorklet: use a current Chrome, Edge or Firefox.'
        : 'Browsers only give the microphone to secure pages: open this page as http://localhost:' + location.port
          + ' or http://127.0.0.1:' + location.port + ' on the server itself, or serve it over HTTPS.', false);
      return;
    }
    try {
      if (!ctx) ctx = new AudioContext({ latencyHint: 'interactive' });
      if (!workletsLoaded) {
        await ctx.audioWorklet.addModule('worklets.js');
        workletsLoaded = true;
      }
      c.mic = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      });
    } catch (e) {
      teardown(c);
      showBanner('Cannot use the microphone: ' + (e.message || e.name) + '. Allow it in the address bar and retry.',
        true);
      return;
    }
    if (ctx.state === 'suspended') {
      ctx.resume();
      if (ctx.state === 'suspended') {
        showBanner('Click anywhere on the page to let it play sound.', false, true);
        document.addEventListener('click', () => { ctx.resume(); hideBanner(); }, { once: true });
      }
    }
    if (c.webrtc) {
      connectWebRtc(c);
      return;
    }
    const ws = c.ws = new WebSocket(websocketUrl());
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, inRateHz: 16000, outRateHz: Number(ui.rate.value) }));
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') onMessage(c, JSON.parse(e.data));
      else if (c.playback) c.playback.port.postMessage({ type: 'audio', pcm: e.data }, [e.data]);
    };
    ws.onclose = (e) => onClose(c, e);
  }

  // WebRTC: the microphone goes out as an Opus track (the browser's echo canceller and jitter buffer included), the
  // bot comes back as one, and protocol v1's JSON travels on a data channel. Signalling is one POST of the offer
  // (ICE gathered first: no trickle) to /rtc, answered with the SDP answer and the session's resource URL.
  async function connectWebRtc(c) {
    const pc = c.pc = new RTCPeerConnection();
    c.mic.getAudioTracks().forEach((t) => pc.addTrack(t, c.mic));
    const dc = c.dc = pc.createDataChannel('voicechat');
    dc.onopen = () => dc.send(JSON.stringify({ type: 'hello', v: 1 }));
    dc.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'closed') onClose(c, { code: m.code, reason: m.reason });
      else onMessage(c, m);
    };
    dc.onclose = () => onClose(c, { code: 1006, reason: 'data channel closed' });
    pc.ontrack = (e) => playRemote(c, e.streams[0] || new MediaStream([e.track]));
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') onClose(c, { code: 1006, reason: 'WebRTC connection failed' });
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const token = params.get('access_token');
      const response = await fetch('/rtc' + (token ? '?access_token=' + encodeURIComponent(token) : ''), {
        method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp,
      });
      const body = await response.text();
      if (response.status !== 201) {
        onClose(c, { code: response.status === 503 ? 1013 : 1008, reason: body.trim() || response.statusText });
        return;
      }
      c.resource = response.headers.get('Location');
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
    } catch (e) {
      onClose(c, { code: 1006, reason: e.message || String(e) });
    }
  }

  /** Resolves once ICE gathering is complete, or after 2 s with what was gathered. */
  function gathered(pc) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { if (pc.iceGatheringState === 'complete') resolve(); };
      pc.addEventListener('icegatheringstatechange', done);
      setTimeout(resolve, 2000);
    });
  }

  // The remote track plays through the AudioContext, through a meter that counts audible milliseconds (playedMs) and
  // that 'clear' closes until the jitter buffer's tail has played out (worklets.js). Chrome pulls a remote WebRTC
  // track into WebAudio only while a media element also holds it, so a muted <audio> element does.
  function playRemote(c, stream) {
    if (c.meter) return;
    c.remoteAudio = new Audio();
    c.remoteAudio.muted = true;
    c.remoteAudio.srcObject = stream;
    c.remoteAudio.play().catch(() => {});
    c.playedBase = vc.playedMs;
    c.meter = new AudioWorkletNode(ctx, 'voicechat-meter', { numberOfInputs: 1, numberOfOutputs: 1,
      outputChannelCount: [1] });
    c.remote = ctx.createMediaStreamSource(stream);
    c.remote.connect(c.meter);
    c.meter.connect(ctx.destination);
    c.meter.port.onmessage = (e) => {
      vc.playedMs = c.playedBase + e.data.playedMs;
      if (vc.clear && e.data.clearSeq === vc.clear.seq) {
        // How long bot audio could still be heard after clear (the message reaching the audio thread; both clocks are
        // the context's, counted in render quanta, hence the floor at 0), and how long the incoming stream took to
        // fall quiet (server stop + network + jitter buffer tail).
        vc.clear.gateMs = Math.max(0, (e.data.clearedAt - vc.clear.sentAt) * 1000);
        vc.clear.drainMs = e.data.drainMs;
      }
      ui.played.textContent = (vc.playedMs / 1000).toFixed(1) + ' s of bot audio played';
      ui.bot.style.width = e.data.playing ? '60%' : '0';
    };
    // The microphone level, for the meter only: the track itself goes to the server.
    c.source = ctx.createMediaStreamSource(c.mic);
    c.capture = new AudioWorkletNode(ctx, 'voicechat-capture', {
      numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
      processorOptions: { rateHz: 16000, frameMs: FRAME_MS },
    });
    c.capture.port.onmessage = (e) => { ui.mic.style.width = Math.min(100, Math.round(e.data.rms * 400)) + '%'; };
    c.source.connect(c.capture);
    c.capture.connect(ctx.destination);
  }

  /** Sends a JSON message on whichever transport is up. */
  function sendJson(c, m) {
    if (c.dc && c.dc.readyState === 'open') c.dc.send(JSON.stringify(m));
    else if (c.ws && c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify(m));
  }

  function isOpen(c) {
    return c.dc ? c.dc.readyState === 'open' : !!c.ws && c.ws.readyState === WebSocket.OPEN;
  }

  function websocketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = params.get('access_token');
    return scheme + '//' + location.host + '/ws' + (token ? '?access_token=' + encodeURIComponent(token) : '');
  }

  function stop() {
    if (!conn) return;
    const c = conn;
    c.userStopped = true;
    sendJson(c, { type: 'end' });
    if (c.webrtc) {
      if (c.resource) fetch(c.resource, { method: 'DELETE' }).catch(() => {});
      onClose(c, { code: 1000, reason: 'stopped by the user' });
    } else {
      c.ws.close(1000, 'stopped by the user');
    }
  }

  function onClose(c, e) {
    if (c.closed) return;
    c.closed = true;
    teardown(c);
    if (c.userStopped || e.code === 1000) {
      showState('idle', 'stopped');
      note(e.code === 1000 && !c.userStopped ? 'Session ended: ' + (e.reason || 'by the server') : 'Stopped.');
      return;
    }
    showState('idle', 'disconnected');
    let why;
    if (e.code === 1006) why = 'The server went away (the connection dropped). Is `voicechat serve` still running?';
    else if (e.code === 1001) why = 'The server went away (' + (e.reason || 'going away') + '). Retry once it is back.';
    else if (e.code === 1013) why = 'The server is busy: ' + e.reason;
    else why = 'The server closed the connection (' + e.code + (e.reason ? ': ' + e.reason : '') + ').';
    showBanner(why, true);
  }

  function teardown(c) {
    if (conn === c) conn = null;
    if (c.capture) { c.capture.port.postMessage({ type: 'stop' }); c.capture.disconnect(); }
    if (c.source) c.source.disconnect();
    if (c.playback) { c.playback.port.postMessage({ type: 'stop' }); c.playback.disconnect(); }
    if (c.mic) c.mic.getTracks().forEach((t) => t.stop());
    if (c.meter) { c.remote.disconnect(); c.meter.disconnect(); }
    if (c.remoteAudio) c.remoteAudio.srcObject = null;
    if (c.pc) c.pc.close();
    setButtons(false);
    ui.mic.style.width = '0';
    ui.bot.style.width = '0';
  }

  // The audio graph is built once the server has agreed the formats.
  function startAudio(c, ready) {
    c.playback = new AudioWorkletNode(ctx, 'voicechat-playback', {
      numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1],
      processorOptions: { rateHz: ready.outRateHz, prebufferMs: PREBUFFER_MS },
    });
    c.playback.connect(ctx.destination);
    c.playback.port.onmessage = (e) => {
      vc.playedMs = c.playedBase + e.data.playedMs;
      ui.played.textContent = (vc.playedMs / 1000).toFixed(1) + ' s of bot audio played';
      ui.bot.style.width = e.data.playing ? Math.min(100, 30 + e.data.bufferedMs) + '%' : '0';
    };
    c.capture = new AudioWorkletNode(ctx, 'voicechat-capture', {
      numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
      processorOptions: { rateHz: ready.inRateHz, frameMs: ready.frameMs || FRAME_MS },
    });
    c.capture.port.onmessage = (e) => {
      if (c.ws.readyState === WebSocket.OPEN) c.ws.send(e.data.pcm);
      ui.mic.style.width = Math.min(100, Math.round(e.data.rms * 400)) + '%';
    };
    c.source = ctx.createMediaStreamSource(c.mic);
    c.source.connect(c.capture);
    c.capture.connect(ctx.destination); // outputs silence; keeps the node pulled by the graph in every browser
  }

  // ---------------------------------------------------------------- messages

  function onMessage(c, m) {
    vc.events.push(m);
    switch (m.type) {
      case 'ready':
        if (!c.webrtc) {
          c.playedBase = vc.playedMs;
          startAudio(c, m);
        }
        showState('connecting', 'loading engines…');
        break;
      case 'state':
        vc.state = m.to;
        showState(m.to.toLowerCase(), label(m.to));
        break;
      case 'clear':
        if (c.playback) c.playback.port.postMessage({ type: 'clear' });
        if (c.meter) {
          // Over WebRTC the browser's jitter buffer still holds bot audio the page cannot drop: the meter mutes it.
          vc.clear = { seq: (vc.clear ? vc.clear.seq : 0) + 1, sentAt: ctx.currentTime, gateMs: null, drainMs: null };
          c.meter.port.postMessage({ type: 'clear', seq: vc.clear.seq });
        }
        break;
      case 'speech_started':
        turn(m.turn).user.textContent = '…';
        break;
      case 'transcript': {
        const t = turn(m.turn);
        t.user.textContent = m.text || '(nothing recognised)';
        t.user.classList.toggle('pending', !m.text);
        if (m.rtf === null) { t.userWho.textContent = 'You (typed)'; t.typed = true; }
        t.bot.textContent = m.text ? 'thinking…' : '';
        break;
      }
      case 'first_audio': {
        if (c.meter) c.meter.port.postMessage({ type: 'resume' }); // the next answer: to be heard
        const t = turn(m.turn);
        t.bot.textContent = 'speaking…';
        tag(t, 'latency', 'first audio ' + Math.round(m.latencyMs) + ' ms after you '
          + (t.typed ? 'sent it' : 'stopped'));
        break;
      }
      case 'barge_in': {
        const t = turn(m.turn);
        if (m.phase === 'paused') tag(t, 'barge', 'paused: you spoke over it');
        else if (m.phase === 'resumed') {
          tag(t, 'resumed', 'resumed (not speech)');
          if (c.meter) c.meter.port.postMessage({ type: 'resume' }); // a false alarm: the answer goes on
        }
        else if (!t.interrupted) { tag(t, 'barge', 'interrupted'); t.interrupted = true; }
        break;
      }
      case 'played': {
        const t = turn(m.turn);
        t.bot.textContent = m.text || (m.interrupted ? '(interrupted before a word was heard)' : '');
        t.bot.classList.toggle('pending', !m.text);
        t.bot.classList.toggle('cut', m.interrupted && !!m.text);
        if (m.interrupted && !t.interrupted) tag(t, 'barge', 'interrupted');
        t.interrupted = t.interrupted || m.interrupted;
        break;
      }
      case 'error':
        note('Engine ' + m.engine + ': ' + m.message);
        break;
      case 'ended':
        note('Session ended: ' + m.reason);
        break;
      default:
        break;
    }
  }

  function label(state) {
    return { LISTENING: 'listening', THINKING: 'thinking', SPEAKING: 'speaking', BARGED_IN: 'paused: you spoke',
      TERMINATED: 'ended', IDLE: 'starting' }[state] || state.toLowerCase();
  }

  // ---------------------------------------------------------------- timeline

  const turns = new Map();

  function turn(n) {
    let t = turns.get(n);
    if (t) return t;
    const li = document.createElement('li');
    li.className = 'turn';
    li.innerHTML = '<div class="user"><div class="who">You</div><div class="line pending">…</div></div>'
      + '<div class="bot"><div class="who">Bot</div><div class="line pending"></div></div><div class="meta"></div>';
    ui.timeline.prepend(li);
    ui.hint.hidden = true;
    t = { li, userWho: li.querySelector('.user .who'), user: li.querySelector('.user .line'),
      bot: li.querySelector('.bot .line'), meta: li.querySelector('.meta') };
    turns.set(n, t);
    return t;
  }

  function tag(t, kind, text) {
    const span = document.createElement('span');
    span.className = 'tag ' + kind;
    span.textContent = text;
    t.meta.append(span);
  }

  function note(text) {
    const li = document.createElement('li');
    li.className = 'turn note';
    li.textContent = text;
    ui.timeline.prepend(li);
  }

  // ---------------------------------------------------------------- chrome

  function showState(cls, text) {
    ui.state.className = 'pill ' + cls;
    ui.state.textContent = text;
  }

  function showBanner(text, retry, info) {
    ui.banner.hidden = false;
    ui.banner.classList.toggle('info', !!info);
    ui.bannerText.textContent = text;
    ui.retry.hidden = !retry;
  }

  function hideBanner() {
    ui.banner.hidden = true;
  }

  function setButtons(running) {
    ui.start.disabled = running;
    ui.stop.disabled = !running;
    ui.rate.disabled = running;
    ui.transport.disabled = running;
    ui.typedText.disabled = !running;
    ui.send.disabled = !running;
  }

  ui.start.addEventListener('click', start);
  ui.retry.addEventListener('click', start);
  ui.stop.addEventListener('click', stop);
  ui.typed.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ui.typedText.value.trim();
    if (!text || !conn || !isOpen(conn)) return;
    sendJson(conn, { type: 'text', text });
    ui.typedText.value = '';
  });
  if (params.get('autostart') === '1') start();
})();
