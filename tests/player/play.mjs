// Plays pages in Debian's chromium with playwright-core and reports what the player and the network saw.
//
// Usage: node tests/player/play.mjs < config.json > result.json (tests/player/harness.py writes the config).
// Config: {executablePath, home, hostResolverRules, timeoutMs, cases: [{name, url, minSeconds, watchHost}]}.
// Each case runs in a fresh browser context (its own cookie jar): the page sets its cookies itself, as the Rails
// app's page would. The result says, per case, the player's state (window.__player, kept by tests/player/page.html),
// the cookies the browser holds, the console, and every request to watchHost as Chromium's network stack saw it
// (DevTools protocol): the cookies sent, the HTTP status and CORS headers of the answer, and a CORS failure.
import { chromium } from 'playwright-core';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

async function playCase(browser, spec, timeoutMs) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  const entry = (id) => {
    if (!requests.has(id)) requests.set(id, { id });
    return requests.get(id);
  };
  const watched = (id) => requests.has(id);
  cdp.on('Network.requestWillBeSent', (event) => {
    if (hostOf(event.request.url) !== spec.watchHost) return;
    Object.assign(entry(event.requestId), { url: event.request.url, method: event.request.method });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    // Can arrive before requestWillBeSent: keep it, filter at the end by url.
    entry(event.requestId).cookiesSent = (event.associatedCookies || []).map((c) => ({
      name: c.cookie.name,
      blockedReasons: c.blockedReasons,
    }));
  });
  cdp.on('Network.responseReceived', (event) => {
    if (!watched(event.requestId)) return;
    const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    Object.assign(entry(event.requestId), { status: event.response.status, responseHeaders: headers });
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    // The raw answer, also for responses that CORS keeps from the page.
    const headers = Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k.toLowerCase(), v]));
    Object.assign(entry(event.requestId), { rawStatus: event.statusCode, rawHeaders: headers });
  });
  const bodies = [];
  const keepErrorBody = (requestId) => {
    const request = requests.get(requestId);
    if (!request || !request.url || !(request.rawStatus >= 400 || request.status >= 400)) return;
    // The edge's error document (CloudFront's MissingKey or AccessDenied XML) when the browser kept it; a response
    // that CORS kept from the page usually has none.
    bodies.push(
      cdp
        .send('Network.getResponseBody', { requestId })
        .then((body) => {
          request.errorBody = body.base64Encoded ? '(binary)' : body.body.slice(0, 1000);
        })
        .catch((error) => {
          request.errorBody = `(unavailable: ${error.message})`;
        }),
    );
  };
  cdp.on('Network.loadingFinished', (event) => keepErrorBody(event.requestId));
  cdp.on('Network.loadingFailed', (event) => {
    if (!watched(event.requestId)) return;
    Object.assign(entry(event.requestId), {
      failed: event.errorText,
      corsError: event.corsErrorStatus ? event.corsErrorStatus.corsError : null,
      blockedReason: event.blockedReason || null,
    });
    keepErrorBody(event.requestId);
  });
  await cdp.send('Network.enable');

  const consoleLines = [];
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));

  const started = Date.now();
  let outcome = 'done';
  let navigation = null;
  try {
    const response = await page.goto(spec.url, { waitUntil: 'load', timeout: timeoutMs });
    navigation = { status: response ? response.status() : null };
    await page.waitForFunction(
      (minSeconds) => {
        const state = window.__player;
        return Boolean(state && (state.fatal || state.playedSeconds > minSeconds));
      },
      spec.minSeconds,
      { timeout: Math.max(1000, timeoutMs - (Date.now() - started)), polling: 250 },
    );
  } catch (error) {
    outcome = `timeout or navigation failure: ${error.message.split('\n')[0]}`;
  }
  let player = null;
  try {
    player = await page.evaluate(() => window.__player || null);
  } catch (error) {
    consoleLines.push(`evaluate: ${error.message}`);
  }
  await Promise.all(bodies);
  const cookies = (await context.cookies()).map((c) => ({
    name: c.name,
    domain: c.domain,
    path: c.path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite,
  }));
  await context.close();
  return {
    name: spec.name,
    url: spec.url,
    outcome,
    seconds: (Date.now() - started) / 1000,
    navigation,
    player,
    cookies,
    console: consoleLines,
    requests: [...requests.values()].filter((r) => r.url),
  };
}

async function main() {
  const config = JSON.parse(await readStdin());
  const browser = await chromium.launch({
    executablePath: config.executablePath,
    headless: true,
    timeout: config.timeoutMs,
    // HOME holds the NSS database (~/.pki/nssdb) in which the test's CA is a trusted root.
    env: { ...process.env, HOME: config.home },
    args: [
      `--host-resolver-rules=${config.hostResolverRules}`,
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-media-suspend',
    ],
  });
  const results = { browserVersion: browser.version(), cases: [] };
  try {
    for (const spec of config.cases) {
      results.cases.push(await playCase(browser, spec, config.timeoutMs));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
