/**
 * QR scanning with the camera where the browser offers `BarcodeDetector` (Chrome on Android and
 * ChromeOS, Safari); elsewhere the desk offers typing the code only.
 * @module desk/scanner
 */

/** True when this browser can read QR codes from the camera. */
export function canScan() {
  return typeof globalThis.BarcodeDetector === "function" && !!navigator.mediaDevices?.getUserMedia;
}

/**
 * Read QR codes from the camera into `video` until one is found or `signal` aborts.
 * @param {HTMLVideoElement} video
 * @param {AbortSignal} signal
 * @returns {Promise<string>} the first code read
 */
export async function scanOnce(video, signal) {
  const detector = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  try {
    video.srcObject = stream;
    await video.play();
    while (!signal.aborted) {
      const found = await detector.detect(video).catch(() => []);
      if (found.length) return found[0].rawValue;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new DOMException("stopped", "AbortError");
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
