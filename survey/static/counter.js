// Progressive enhancement: a live count before the limit. Without it the server refuses an over-long
// suggestion with its length and keeps the text, so nothing is ever cut. Screen readers hear only the
// changes of state (near the limit, over it), not every keystroke.
(function () {
  var box = document.getElementById("suggestion"), out = document.getElementById("counter"),
      say = document.getElementById("counter-alert");
  if (!box || !out || !say) return;
  var max = +box.getAttribute("data-max"), state = "";
  function update() {
    var n = Array.from(box.value.replace(/\r\n/g, "\n")).length,
        now = n > max ? "over" : n >= max - 50 ? "near" : "";
    out.textContent = n ? "（已输入 " + n + " / " + max + " 字）" : "";
    out.className = now === "over" ? "over" : "";
    if (now !== state) {
      state = now;
      say.textContent = now === "over" ? "已超出 " + max + " 字，请删减" : now === "near" ? "接近 " + max + " 字上限" : "";
    }
  }
  box.addEventListener("input", update);
  update();
})();
