// A hostile host page's script: globals with the names libraries like to use, and an observer
// that deletes every <style> element added anywhere in the document.
window.L = { hostile: true };
window.define = function define() {
  throw new Error("AMD define called by a widget");
};
window.define.amd = true;
window.module = { exports: "hostile" };
window.process = { env: { NODE_ENV: "hostile" } };
window.css = "hostile";
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeName === "STYLE") node.remove();
    }
  }
}).observe(document.documentElement, { childList: true, subtree: true });
