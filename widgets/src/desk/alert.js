/**
 * The optional audible alert: two short tones made with Web Audio (no sound file to fetch).
 * Browsers allow sound only after a user gesture, which switching the alert on is.
 * @module desk/alert
 */

/** @type {AudioContext | null} */
let context = null;

/** Prepare the audio context; call it from the click that switches the sound on. */
export function unlockSound() {
  const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Context) return false;
  context ??= new Context();
  context.resume?.();
  return true;
}

/** Play the alert (nothing when sound was never unlocked). */
export function chime() {
  if (!context) return;
  const start = context.currentTime;
  [880, 1320].forEach((frequency, i) => {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.2, start + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.18 + 0.16);
    osc.connect(gain).connect(context.destination);
    osc.start(start + i * 0.18);
    osc.stop(start + i * 0.18 + 0.17);
  });
}
