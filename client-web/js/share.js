// The join link of a meeting and the QR code the server renders for it (console and room display).
export const joinUrl = (code) => `${location.origin}/join?code=${encodeURIComponent(code)}`;
export const qrUrl = (code) => `/api/meetings/${encodeURIComponent(code)}/qr.svg`;

// Shows the QR image, or (if the server cannot render it) a note next to the link text.
export function showQr(img, code, fallback) {
  img.addEventListener('error', () => { img.hidden = true; if (fallback) fallback.hidden = false; }, { once: true });
  img.src = qrUrl(code);
}
