// Cues for someone who is not looking at the screen: when they are next, or have the floor (or
// their go in a round), the phone vibrates and/or plays a short sound, if they asked for it on this
// device (remembered in this browser). Screen readers hear the same news through the page's live
// region in any case (participant.js).
const KEY = 'everyvoice:cues';

export function loadCues() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
    return { vibrate: saved.vibrate === true, sound: saved.sound === true };
  } catch {
    return { vibrate: false, sound: false };
  }
}

export function saveCues(cues) {
  try { localStorage.setItem(KEY, JSON.stringify(cues)); } catch { /* private mode: kept for this page only */ }
}

export const canVibrate = () => typeof navigator.vibrate === 'function';

// Browsers play sound only after the person did something on the page: the checkbox that turns
// sound on is that gesture, and so is any later tap.
let audio = null;
export function unlockSound() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!audio && Context) audio = new Context();
  if (audio && audio.state === 'suspended') audio.resume().catch(() => {});
}

// kind: 'next' (one short buzz, one tone) or 'floor' (two of each, rising).
export function cue(kind, cues) {
  if (cues.vibrate && canVibrate()) navigator.vibrate(kind === 'floor' ? [250, 120, 250] : [200]);
  if (!cues.sound || !audio) return;
  const notes = kind === 'floor' ? [660, 880] : [660];
  // A context just made (or woken) becomes 'running' a moment later: play once it is.
  if (audio.state === 'running') tones(notes);
  else audio.resume().then(() => { if (audio.state === 'running') tones(notes); }).catch(() => {});
}

function tones(frequencies) {
  let at = audio.currentTime + 0.02;
  for (const frequency of frequencies) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + 0.25);
    at += 0.3;
  }
}
