// The join link of a meeting and the QR code the server renders for it (console and room display).
// The link is built on the server's public URL when it has one (GET /api/server), so what the
// console shows is what the QR code says.
import { t } from './i18n.js';

export const joinUrl = (code, base = location.origin) => `${base}/join?code=${encodeURIComponent(code)}`;
export const qrUrl = (code) => `/api/meetings/${encodeURIComponent(code)}/qr.svg`;

let info;
// {version, public_url, create_key_required}; {} when the server cannot say.
export function serverInfo() {
  info ??= fetch('/api/server').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return info;
}

const LOOPBACK = /^(localhost|localhost\.|127\.\d+\.\d+\.\d+|\[::1\])$/i;

// The join link people should use, and a warning when no phone can open it: the page was opened
// on this machine's loopback name and the server has no public URL to build links on.
export async function shareLink(code) {
  const { public_url: publicUrl } = await serverInfo();
  const warning = !publicUrl && LOOPBACK.test(location.hostname)
    ? t('console.share.loopback_warning', { host: location.host })
    : '';
  return { link: joinUrl(code, publicUrl || location.origin), warning };
}

// Shows the QR image, or (if the server cannot render it) a note next to the link text.
export function showQr(img, code, fallback) {
  img.addEventListener('error', () => { img.hidden = true; if (fallback) fallback.hidden = false; }, { once: true });
  img.src = qrUrl(code);
}
