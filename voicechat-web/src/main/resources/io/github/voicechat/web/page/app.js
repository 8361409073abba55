// voicechat page: plain JavaScript, no build step. Speaks WebSocket protocol v1 (see voicechat-web/README.md).
//
// Contract for automated use (kept stable):
//   ?autostart=1 starts without a click;
//   window.voicechat = { events: [every JSON message received, in order], playedMs: <ms of bot audio actually
//   played>, state: <last session state> }.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const vc = window.voicechat = { events: [], playedMs: 0, state: 'IDLE' };

  const $ = (id) => document.getElementById(id);
  const ui = {
    start: $('start'), stop: $('stop'), rate: $('rate'), state: $('state'), banner: $('banner'),
    bannerText: $('banner-text'), retry: $('retry'), mic: $('mic-level'), bot: $('bot-level'), played: $('played'),
    typed: $('typed'), typedText: $('typed-text'), send: $('send'), timeline: $('timeline'), hint: $('hint'),
  };

  const FRAME_MS = 20;
  const PREBUFFER_MS = 60;
  let ctx = null;          // one AudioContext for the page's life
  let workletsLoaded = false;
  let conn = null;         // the live connection and its audio graph

  // ---------------------------------------------------------------- connection

  async function start() {
    if (conn) return;
    hideBanner();
    setButtons(true);
    showState('connecting', 'connecting…');
    const c = conn = { ws: null, mic: null, source: null, capture: null, playback: null, userStopped: false };
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
    const ws = c.ws = new WebSocket(websocketUrl());
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, inRateHz: 16000, outRateHz: Number(ui.rate.value) }));
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') onMessage(c, JSON.parse(e.data));
      else if (c.playback) c.playback.port.postMessage({ type: 'audio', pcm: e.data }, [e.data]);
    };
    ws.onclose = (e) => onClose(c, e);
  }

  function websocketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = params.get('access_token');
    return scheme + '//' + location.host + '/ws' + (token ? '?access_token=' + encodeURIComponent(token) : '');
  }

  function stop() {
    if (!conn) return;
    conn.userStopped = true;
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify({ type: 'end' }));
    conn.ws.close(1000, 'stopped by the user');
  }

  function onClose(c, e) {
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
        c.playedBase = vc.playedMs;
        startAudio(c, m);
        showState('connecting', 'loading engines…');
        break;
      case 'state':
        vc.state = m.to;
        showState(m.to.toLowerCase(), label(m.to));
        break;
      case 'clear':
        if (c.playback) c.playback.port.postMessage({ type: 'clear' });
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
        const t = turn(m.turn);
        t.bot.textContent = 'speaking…';
        tag(t, 'latency', 'first audio ' + Math.round(m.latencyMs) + ' ms after you '
          + (t.typed ? 'sent it' : 'stopped'));
        break;
      }
      case 'barge_in': {
        const t = turn(m.turn);
        if (m.phase === 'paused') tag(t, 'barge', 'paused: you spoke over it');
        else if (m.phase === 'resumed') tag(t, 'resumed', 'resumed (not speech)');
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
    ui.typedText.disabled = !running;
    ui.send.disabled = !running;
  }

  ui.start.addEventListener('click', start);
  ui.retry.addEventListener('click', start);
  ui.stop.addEventListener('click', stop);
  ui.typed.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ui.typedText.value.trim();
    if (!text || !conn || conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify({ type: 'text', text }));
    ui.typedText.value = '';
  });
  if (params.get('autostart') === '1') start();
})();
