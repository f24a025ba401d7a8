// Headless Chromium as the dashboard test and bench:history drive it: Debian's
// chromium package (never a browser that a test tool downloads), no sandbox
// (tests run as root), and nothing that reaches the network by itself.
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--disable-extensions',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-pings',
];
