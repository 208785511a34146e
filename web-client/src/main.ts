// Bootstrap: credentials, board choice and wiring the live board to the view.

import './styles.css';
import './app/app.css';
import { ApiClient, ApiError, currentPerson, requestPasswordReset, setPassword, signIn, signOut, singleSignOnEnabled, singleSignOnErrorMessage, singleSignOnStartUrl, type Campaign, type Department, type Person } from './api';
import { ActivitiesView } from './activities-view';
import { CheckInsView } from './checkins-view';
import { RulesView } from './rules-view';
import { BoardView, renderStatus } from './board-view';
import { forgetKey, isBoardLink, loadBoardLink, loadKey, readableUrl, saveCredential, takeKeyFromUrl } from './credentials';
import { ErrorBanner } from './error-banner';
import { setOrganizationLocale } from './format';
import { FeedView } from './feed-view';
import { LiveBoard, createHubConnection, type BoardChange, type BoardSnapshot, type BoardState, type ConnectionState } from './live';
import { CardSparklines } from './war-room-sparks';
import { ReplayControl } from './war-room-replay';
import { TvLayout, tvSettings } from './tv-mode';
import { createAppApi } from './api/client';
import type { MeResponse } from './api/types';
import { parseRoute } from './app/router';
import { mountApp } from './app/shell';

const OVERVIEW = 'overview';
const OVERVIEW_LABEL = 'Organization overview';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

const els = {
  status: byId<HTMLElement>('status'),
  error: byId<HTMLElement>('error'),
  select: byId<HTMLSelectElement>('board-select'),
  keyForm: byId<HTMLFormElement>('key-form'),
  keyInput: byId<HTMLInputElement>('key-input'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  signInEmail: byId<HTMLInputElement>('sign-in-email'),
  signInPassword: byId<HTMLInputElement>('sign-in-password'),
  signInOrg: byId<HTMLInputElement>('sign-in-org'),
  signInSubmit: byId<HTMLButtonElement>('sign-in-submit'),
  signInNote: byId<HTMLSpanElement>('sign-in-note'),
  forgotPassword: byId<HTMLButtonElement>('forgot-password'),
  ssoSignIn: byId<HTMLButtonElement>('sso-sign-in'),
  setPasswordSso: byId<HTMLParagraphElement>('set-password-sso'),
  setPasswordSsoButton: byId<HTMLButtonElement>('set-password-sso-button'),
  setPasswordForm: byId<HTMLFormElement>('set-password-form'),
  setPasswordHint: byId<HTMLParagraphElement>('set-password-hint'),
  setPasswordInput: byId<HTMLInputElement>('set-password-input'),
  setPasswordSubmit: byId<HTMLButtonElement>('set-password-submit'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  board: byId<HTMLElement>('board'),
  app: byId<HTMLElement>('app'),
  title: byId<HTMLElement>('board-title'),
};

const errors = new ErrorBanner(els.error);
const view = new BoardView({
  title: byId('board-title'),
  version: byId('board-version'),
  lastUpdate: byId('last-update'),
  grid: byId('goals'),
  empty: byId('empty'),
});

const feed = new FeedView({
  list: byId('feed-list'),
  empty: byId('feed-empty'),
  alertCount: byId('alert-count'),
  alertCounter: byId('alert-counter'),
  alertLabel: byId('alert-label'),
});
const activities = new ActivitiesView({
  panel: byId('activities'),
  list: byId('activity-list'),
  title: byId('activities-title'),
});
const checkIns = new CheckInsView({
  panel: byId('checkins'),
  cadence: byId('checkins-cadence'),
  list: byId('checkin-list'),
  totals: byId('scorecard-totals'),
});
const rules = new RulesView({ panel: byId('rules'), list: byId('rule-list') });
const sparks = new CardSparklines(byId('goals'));
const tvLayout = new TvLayout(byId('goals'));
let rotation: ReturnType<typeof setInterval> | undefined;
// The latest live state of the board on screen: what "Back to live" shows after a replay.
let lastLive: BoardChange | null = null;

/** Shows a whole board (a replayed one, or the live one again after a replay). */
function renderWhole(board: BoardState): void {
  const change: BoardChange = { kind: 'snapshot', board, changedIds: [...board.goals.keys()], newFeedIds: [] };
  view.render(change);
  feed.render(change);
  activities.render(board);
  checkIns.render(board);
  sparks.draw();
}

const replay = new ReplayControl(
  {
    toggle: byId('replay-toggle'),
    controls: byId('replay-controls'),
    day: byId('replay-day'),
    minute: byId('replay-minute'),
    time: byId('replay-time'),
    live: byId('replay-live'),
    note: byId('replay-note'),
  },
  {
    fetch: (at, signal) => {
      if (!api || !live) return Promise.reject(new Error('no board is open'));
      return api.getReplay(live.boardId, at, signal);
    },
    onSnapshot: (value) => {
      const snapshot = value as BoardSnapshot;
      renderWhole({
        boardId: snapshot.boardId,
        title: snapshot.title,
        version: snapshot.version,
        goals: new Map((snapshot.goals ?? []).map((g) => [g.id, g])),
        feed: snapshot.feed ?? [],
        campaign: snapshot.campaign ?? null,
        department: snapshot.department ?? null,
      });
    },
    onLive: () => {
      if (lastLive) renderWhole(lastLive.board);
    },
    onError: (message) => errors.set('replay', message),
  },
);

/** TV mode from the address (tv=1), with rotation through `boards` every `rotate` seconds. */
function applyTvMode(): void {
  clearInterval(rotation);
  rotation = undefined;
  const tv = tvSettings(new URL(window.location.href), person ? parseRoute().query : null);
  if (!tv.on) {
    tvLayout.stop();
    return;
  }
  tvLayout.start();
  if (tv.boards.length < 2) return;
  rotation = setInterval(() => {
    if (!live || document.body.dataset['view'] === 'app') {
      clearInterval(rotation);
      return;
    }
    const at = tv.boards.indexOf(live.boardId);
    const next = tv.boards[(at + 1) % tv.boards.length]!;
    putBoardInUrl(next);
    switchBoard(next);
  }, tv.rotateSeconds * 1000);
}
// Alerts age out of the "last hour" count even when nothing new arrives.
setInterval(() => feed.refreshAlertCount(), 30_000);

let live: LiveBoard | null = null;
let api: ApiClient | null = null;
let campaigns: Campaign[] = [];
let departments: Department[] = [];
// The signed-in person when the board was opened with a session cookie rather than a key.
let person: Person | null = null;
// Bumped whenever a key is (re)entered so late replies made with an old key are dropped.
let session = 0;

function boardFromUrl(): string {
  // A signed-in person's war room is a page of the app: #/war-room/<board>.
  if (person) return parseRoute().id?.trim() || OVERVIEW;
  return new URL(window.location.href).searchParams.get('board')?.trim() || OVERVIEW;
}

function putBoardInUrl(boardId: string): void {
  const url = new URL(window.location.href);
  if (person) {
    const query = parseRoute().query.toString();
    url.hash = `/war-room/${encodeURIComponent(boardId)}${query ? `?${query}` : ''}`;
  }
  else url.searchParams.set('board', boardId);
  history.replaceState(history.state, '', readableUrl(url));
}

// The app of a signed-in person (app/shell.tsx) is mounted once per sign-in.
let unmountApp: (() => void) | null = null;

function leaveApp(): void {
  unmountApp?.();
  unmountApp = null;
  els.app.hidden = true;
  document.body.dataset['view'] = 'board';
}

/** A signed-in person: the app, on the page the address names (the war room is one of them). */
function enterApp(signedIn: Person): void {
  // An address from before the app (/?board=x) opens that board's war room.
  const url = new URL(window.location.href);
  const legacyBoard = url.searchParams.get('board');
  if (legacyBoard && (!url.hash || url.hash === '#')) {
    url.searchParams.delete('board');
    url.hash = `/war-room/${encodeURIComponent(legacyBoard)}`;
    history.replaceState(history.state, '', url);
  }
  els.keyForm.hidden = true;
  els.signInForm.hidden = true;
  els.signOut.hidden = false;
  els.signOut.title = `Signed in as ${signedIn.displayName} (${signedIn.role})`;
  if (!unmountApp) {
    const me = { kind: 'person', keyId: null, scopes: [], ...signedIn } as MeResponse;
    unmountApp = mountApp(els.app, me, createAppApi(signedIn.csrfToken, () => rejectKey()));
  }
  els.app.hidden = false;
  applyRoute();
}

/** Shows the war room when the address names it, and stops its live board on every other page. */
function applyRoute(): void {
  if (!person) return;
  const route = parseRoute();
  if (route.page === 'war-room') {
    document.body.dataset['view'] = 'board';
    const boardId = boardFromUrl();
    if (!live) void open(null);
    else if (live.boardId !== boardId) switchBoard(boardId);
    return;
  }
  document.body.dataset['view'] = 'app';
  replay.stop();
  tvLayout.stop();
  clearInterval(rotation);
  if (live) {
    session++;
    const old = live;
    live = null;
    api = null;
    void old.stop();
    rules.stop();
  }
  els.board.hidden = true;
  errors.set('live', null);
  els.title.textContent = 'Orleans.Align';
}

window.addEventListener('hashchange', () => applyRoute());

function setConnectionState(state: ConnectionState): void {
  renderStatus(els.status, state);
  // Lets the stylesheet dim numbers that may be stale while the feed is down.
  document.body.dataset['connection'] = state;
}

function boardLabel(boardId: string): string {
  if (boardId === OVERVIEW) return OVERVIEW_LABEL;
  const campaign = campaigns.find((c) => `campaign:${c.id}` === boardId);
  if (campaign) return campaign.name;
  const department = departments.find((d) => `department:${d.id}` === boardId);
  return department ? `${department.name} scorecard` : boardId;
}

function renderBoardOptions(current: string): void {
  const options: Array<[string, string]> = [[OVERVIEW, OVERVIEW_LABEL]];
  const sorted = [...campaigns].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  for (const campaign of sorted) options.push([`campaign:${campaign.id}`, campaign.name]);
  const byName = [...departments].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  for (const department of byName) options.push([`department:${department.id}`, `${department.name} scorecard`]);
  // A board reached by link (or before the list loads) must still show as selected.
  if (!options.some(([value]) => value === current)) options.push([current, current]);

  els.select.replaceChildren(
    ...options.map(([value, label]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
  els.select.value = current;
}

async function loadLists(client: ApiClient, forSession: number): Promise<void> {
  const [campaignResult, departmentResult] = await Promise.allSettled([
    client.getCampaigns(),
    client.getDepartments(),
  ]);
  if (forSession !== session) return;

  const failures: string[] = [];
  if (campaignResult.status === 'fulfilled') {
    campaigns = Array.isArray(campaignResult.value) ? campaignResult.value : [];
    renderBoardOptions(live?.boardId ?? boardFromUrl());
  } else {
    if (isUnauthorized(campaignResult.reason)) return rejectKey();
    failures.push(`Campaigns: ${reasonText(campaignResult.reason)}`);
  }
  if (departmentResult.status === 'fulfilled') {
    departments = Array.isArray(departmentResult.value) ? departmentResult.value : [];
    const names = new Map(departments.map((d) => [d.id, d.name]));
    view.setDepartmentNames(names);
    feed.setDepartmentNames(names);
    activities.setDepartmentNames(names);
    rules.setDepartmentNames(names);
    renderBoardOptions(live?.boardId ?? boardFromUrl());
  } else {
    if (isUnauthorized(departmentResult.reason)) return rejectKey();
    failures.push(`Departments: ${reasonText(departmentResult.reason)}`);
  }
  errors.set('api', failures.length ? failures.join(' · ') : null);
}

function isUnauthorized(reason: unknown): boolean {
  return reason instanceof ApiError && reason.unauthorized;
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function showKeyForm(): void {
  view.reset();
  feed.clear();
  // The panels that read on their own stop with the board.
  rules.stop();
  checkIns.clear();
  renderBoardOptions(boardFromUrl());
  els.board.hidden = true;
  els.select.disabled = true;
  els.select.hidden = false;
  els.signOut.hidden = true;
  els.signInForm.hidden = false;
  els.keyForm.hidden = false;
  els.signInOrg.value ||= new URL(window.location.href).searchParams.get('org')?.trim() ?? '';
  setConnectionState('disconnected');
  els.signInEmail.focus();
}

function rejectKey(): void {
  const wasPerson = person !== null;
  person = null;
  session++;
  forgetKey();
  const old = live;
  live = null;
  api = null;
  void old?.stop();
  errors.set('api', null);
  errors.set('live', null);
  errors.set('key', wasPerson ? 'Your session has ended. Please sign in again.' : 'The access key was rejected. Please enter a valid key.');
  leaveApp();
  showKeyForm();
}

/** Opens the board with an API key, or with null: the browser's session cookie. */
async function open(key: string | null): Promise<void> {
  const mySession = ++session;
  // A board link reads its own board only: no board picker, no lists, no rules.
  const linkOnly = isBoardLink(key);
  const boardId = boardFromUrl();

  els.keyForm.hidden = true;
  els.signInForm.hidden = true;
  els.signOut.hidden = person === null;
  if (person) els.signOut.title = `Signed in as ${person.displayName} (${person.role})`;
  els.board.hidden = false;
  els.select.disabled = linkOnly;
  els.select.hidden = linkOnly;
  renderBoardOptions(boardId);
  view.showLoading(boardLabel(boardId));
  feed.clear();
  activities.clear();
  checkIns.clear();

  api = new ApiClient(key);
  const client = api;
  lastLive = null;
  replay.stop();
  replay.setAvailable(!linkOnly);
  sparks.clear();
  sparks.setSource(linkOnly ? null : { getHistory: (goalId) => client.getHistory(goalId) });
  applyTvMode();
  if (linkOnly) {
    rules.stop();
  } else {
    void loadLists(api, mySession);
    rules.show(api, boardId);
  }

  let wasDown = false;
  live = new LiveBoard(createHubConnection(key), boardId, {
    onState: (state) => {
      if (mySession !== session) return;
      setConnectionState(state);
      if (state === 'reconnecting' || state === 'disconnected') wasDown = true;
      // A browser cannot see why a WebSocket was refused: when the live feed is down, the API says
      // whether the key or link still stands (a revoked or expired link shows the key form).
      if ((state === 'disconnected' || state === 'reconnecting') && api) {
        const client = api;
        client.getBoard(live?.boardId ?? boardId).catch((err: unknown) => {
          if (mySession === session && isUnauthorized(err)) rejectKey();
        });
      }
      // Screens run for days: refresh the campaign list whenever the feed comes
      // back, since whatever broke the feed may also have hidden new campaigns.
      if (state === 'connected' && wasDown && api && !linkOnly) {
        wasDown = false;
        void loadLists(api, mySession);
      }
    },
    onSnapshot: (snapshot) => {
      if (mySession !== session) return;
      // Money and dates in the organization's currency and time zone (cards drawn before are drawn again).
      if (setOrganizationLocale(snapshot.currency, snapshot.timeZone)) view.refresh();
    },
    onBoard: (change) => {
      if (mySession !== session) return;
      lastLive = change;
      const launch = change.board.campaign?.launchStart;
      replay.setDefaultDay(() => (launch ? new Date(launch) : new Date()));
      // While replaying, the live board is kept (above), not shown.
      if (replay.active) return;
      view.render(change);
      feed.render(change);
      activities.render(change.board);
      checkIns.render(change.board);
      sparks.render(change);
    },
    onError: (message) => {
      if (mySession === session) errors.set('live', message);
    },
    onUnauthorized: () => {
      if (mySession === session) rejectKey();
    },
  });
  await live.start();
}

els.select.addEventListener('change', () => {
  const boardId = els.select.value;
  if (!live || boardId === live.boardId) return;
  putBoardInUrl(boardId);
  switchBoard(boardId);
});

function switchBoard(boardId: string): void {
  if (!live) return;
  replay.stop();
  lastLive = null;
  sparks.clear();
  renderBoardOptions(boardId);
  view.showLoading(boardLabel(boardId));
  feed.clear();
  activities.clear();
  checkIns.clear();
  if (api) rules.show(api, boardId);
  void live.watch(boardId);
}

els.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = els.keyInput.value.trim();
  if (!key) return;
  els.keyInput.value = '';
  saveCredential(key, boardFromUrl());
  errors.set('key', null);
  void open(key);
});

els.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const email = els.signInEmail.value.trim();
  const organization = els.signInOrg.value.trim();
  const password = els.signInPassword.value;
  if (!email || !organization || !password) return;
  els.signInSubmit.disabled = true;
  signIn(email, password, organization)
    .then((signedIn) => {
      els.signInPassword.value = '';
      errors.set('key', null);
      // A key kept from an earlier visit would win over the session on the next load.
      forgetKey();
      person = signedIn;
      enterApp(signedIn);
    })
    .catch((err: unknown) => {
      errors.set('key', err instanceof ApiError ? err.message : String(err));
      els.signInPassword.select();
    })
    .finally(() => {
      els.signInSubmit.disabled = false;
    });
});

els.signOut.addEventListener('click', () => {
  const token = person?.csrfToken;
  if (!token) return;
  void signOut(token)
    .catch((err: unknown) => errors.set('api', err instanceof ApiError ? err.message : String(err)))
    .finally(() => {
      person = null;
      session++;
      const old = live;
      live = null;
      api = null;
      void old?.stop();
      errors.set('live', null);
      leaveApp();
      showKeyForm();
    });
});

/** An invitation's or a password reset's link: ?invite=<token> or ?reset=<token>, with &email= and &org=. */
function passwordLinkFromUrl(): { token: string; email: string; org: string; invited: boolean } | null {
  const params = new URL(window.location.href).searchParams;
  const token = params.get('invite') ?? params.get('reset');
  const email = params.get('email');
  if (!token || !email) return null;
  return { token, email, org: params.get('org') ?? '', invited: params.has('invite') };
}

let passwordLink: ReturnType<typeof passwordLinkFromUrl> = null;

function showSetPasswordForm(link: NonNullable<typeof passwordLink>): void {
  passwordLink = link;
  els.keyForm.hidden = true;
  els.signInForm.hidden = true;
  els.setPasswordForm.hidden = false;
  els.setPasswordHint.textContent = link.invited
    ? `Welcome! Choose the password of ${link.email}${link.org ? ` to join ${link.org}` : ''}.`
    : `Choose a new password for ${link.email}.`;
  els.setPasswordInput.focus();
  // An invitee of an organization with single sign-on may join through it instead of choosing a password.
  els.setPasswordSso.hidden = true;
  if (link.invited && link.org) {
    singleSignOnEnabled(link.org)
      .then((enabled) => { els.setPasswordSso.hidden = !enabled || passwordLink !== link; })
      .catch(() => { /* no SSO offer then: the password still works */ });
  }
}

/** This page's address without the one-time and error parameters: where single sign-on comes back to. */
function returnUrlAfterSignOn(): string {
  const url = new URL(window.location.href);
  for (const name of ['invite', 'reset', 'email', 'ssoError']) url.searchParams.delete(name);
  return url.pathname + url.search;
}

/** Checks that the organization signs in through SSO, then leaves for its identity provider. */
function startSingleSignOn(organization: string, button: HTMLButtonElement): void {
  button.disabled = true;
  singleSignOnEnabled(organization)
    .then((enabled) => {
      if (!enabled) {
        errors.set('key', `${organization} does not sign in with single sign-on: use your email and password.`);
        button.disabled = false;
        return;
      }
      window.location.assign(singleSignOnStartUrl(organization, returnUrlAfterSignOn()));
    })
    .catch((err: unknown) => {
      errors.set('key', err instanceof ApiError ? err.message : String(err));
      button.disabled = false;
    });
}

els.ssoSignIn.addEventListener('click', () => {
  const organization = els.signInOrg.value.trim();
  if (!organization) {
    els.signInNote.textContent = 'Enter your organization id first.';
    els.signInOrg.focus();
    return;
  }
  startSingleSignOn(organization, els.ssoSignIn);
});

els.setPasswordSsoButton.addEventListener('click', () => {
  if (passwordLink?.org) startSingleSignOn(passwordLink.org, els.setPasswordSsoButton);
});

/** A single sign-on that came back refused (?ssoError=): say why once, and take it out of the address. */
function showSingleSignOnError(): void {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('ssoError');
  if (!code) return;
  errors.set('key', singleSignOnErrorMessage(code, url.searchParams.get('org')));
  url.searchParams.delete('ssoError');
  window.history.replaceState(null, '', url);
}

els.setPasswordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const link = passwordLink;
  const password = els.setPasswordInput.value;
  if (!link || !password) return;
  els.setPasswordSubmit.disabled = true;
  setPassword(link.email, link.token, password)
    .then(() => {
      // The token is spent: take it out of the address bar and the history.
      const url = new URL(window.location.href);
      for (const name of ['invite', 'reset', 'email']) url.searchParams.delete(name);
      window.history.replaceState(null, '', url);
      passwordLink = null;
      els.setPasswordInput.value = '';
      els.setPasswordForm.hidden = true;
      errors.set('key', null);
      showKeyForm();
      els.signInEmail.value = link.email;
      els.signInOrg.value = link.org || els.signInOrg.value;
      els.signInNote.textContent = 'Your password is set: sign in.';
      els.signInPassword.focus();
    })
    .catch((err: unknown) => errors.set('key', err instanceof ApiError ? err.message : String(err)))
    .finally(() => {
      els.setPasswordSubmit.disabled = false;
    });
});

els.forgotPassword.addEventListener('click', () => {
  const email = els.signInEmail.value.trim();
  if (!email) {
    els.signInNote.textContent = 'Enter your email first.';
    els.signInEmail.focus();
    return;
  }
  const organization = els.signInOrg.value.trim() || null;
  els.forgotPassword.disabled = true;
  requestPasswordReset(email, organization)
    .then(() => {
      errors.set('key', null);
      els.signInNote.textContent = `If ${email} has an account${organization ? ` in ${organization}` : ''}, a link to reset its password is on its way.`;
    })
    .catch((err: unknown) => errors.set('key', err instanceof ApiError ? err.message : String(err)))
    .finally(() => {
      els.forgotPassword.disabled = false;
    });
});

async function start(): Promise<void> {
  showSingleSignOnError();
  const passwordLink = passwordLinkFromUrl();
  if (passwordLink) return showSetPasswordForm(passwordLink);
  takeKeyFromUrl();
  const initialKey = loadKey();
  if (initialKey) return open(initialKey);
  // A board link kept from an earlier visit (a kiosk that restarted): its own board, whatever the URL says.
  const boardLink = loadBoardLink();
  if (boardLink) {
    putBoardInUrl(boardLink.board);
    return open(boardLink.link);
  }
  // No key: a session cookie from an earlier sign-in may still stand.
  try {
    person = await currentPerson();
  } catch (err) {
    errors.set('key', err instanceof ApiError ? err.message : String(err));
  }
  if (person) return enterApp(person);
  showKeyForm();
}

void start();
