// Run by ../package.test.ts with Node, from a project that installed the packed tarball: what each entry point
// exports, that the internals stay unreachable, and that the React layer runs on the app's own React (a bundled
// second copy would fail here with "Invalid hook call").
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

const core = await import('@beacon/client');
const react = await import('@beacon/client/react');
let deepImport = 'allowed';
try {
  await import('@beacon/client/dist/shared/core.js');
} catch (e) {
  deepImport = e.code;
}

function Status() {
  const { status, client } = react.useBeacon();
  return createElement('p', null, `${status.state}, one BeaconClient class: ${client instanceof core.BeaconClient}`);
}
// No BroadcastChannel sharing (Node has one, and it would keep the process alive), no storage, no connect.
const rendered = renderToString(createElement(react.BeaconProvider, { userId: 'u1', autoConnect: false, shareAcrossTabs: false, cache: false },
  createElement(Status)));

console.log(JSON.stringify({ core: Object.keys(core).sort(), react: Object.keys(react).sort(), deepImport, rendered }));
