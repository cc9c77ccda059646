// The page: a hash router over the views (#/pods[/namespace], #/pod/ns/name, #/services, #/node, #/charts)
// and the token form, shown when the API answers 401 (the token is kept for this tab only, never shown).
import { Api } from './api.js';
import { chartsView } from './charts-view.js';
import { fill, h } from './dom.js';
import { nodeView } from './node-view.js';
import { podView } from './pod-view.js';
import { podsView } from './pods-view.js';
import { servicesView } from './services-view.js';

const root = document.getElementById('app') as HTMLElement;
const conn = document.getElementById('conn') as HTMLElement;
let dispose: (() => void) | undefined;

function askToken(): void {
  dispose?.();
  dispose = undefined;
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', size: '40' });
  const form = h(
    'form',
    { id: 'token-form' },
    h('p', {}, 'This API asks for a token (the daemon writes it to <data-dir>/token).'),
    h('label', {}, 'Token ', input),
    ' ',
    h('button', { type: 'submit' }, 'Connect'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Api.setToken(input.value.trim());
    route();
  });
  fill(root, form);
  input.focus();
}

const api = new Api(askToken, (state) => {
  conn.textContent = state;
  conn.className = state;
});

function route(): void {
  dispose?.();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'pod' && parts[1] && parts[2]) dispose = podView(api, root, parts[1], parts[2]);
  else if (parts[0] === 'services') dispose = servicesView(api, root);
  else if (parts[0] === 'node') dispose = nodeView(api, root);
  else if (parts[0] === 'charts') dispose = chartsView(api, root);
  else dispose = podsView(api, root, parts[0] === 'pods' ? (parts[1] ?? '') : '');
}

window.addEventListener('hashchange', route);
route();
