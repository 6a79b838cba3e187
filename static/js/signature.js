/* The enterprise representative's signature drawn on screen (checkcode/result.html, issue 15).
   <canvas data-signature-pad data-signature-input="ID">: strokes from a finger, pen or mouse (Pointer
   Events) are drawn on a white page; after each stroke the PNG goes into the hidden input ID as a data
   URL, which the server checks and re-encodes like any photo (jiujiang_inspect/uploads.py).
   [data-signature-clear] empties it; [data-signature-state] says whether there is a signature.
   Ticking 企业拒绝签字 (#id_signature_refused) clears and disables the pad. No inline script (CSP). */
(function () {
  "use strict";

  function setup(canvas) {
    var input = document.getElementById(canvas.getAttribute("data-signature-input"));
    var form = canvas.closest("form");
    var state = form.querySelector("[data-signature-state]");
    var refused = form.querySelector("#id_signature_refused");
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;

    function blank() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.max(Math.round(rect.width * ratio), 1);
      canvas.height = Math.max(Math.round(rect.height * ratio), 1);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#000";
      drawn = false;
      input.value = "";
      if (state) { state.textContent = "尚未签字"; }
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {x: event.clientX - rect.left, y: event.clientY - rect.top};
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (refused && refused.checked) { return; }
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1, 0, 2 * Math.PI);
      ctx.fillStyle = "#000";
      ctx.fill();
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
      event.preventDefault();
    });
    function end() {
      if (!drawing) { return; }
      drawing = false;
      if (drawn) {
        input.value = canvas.toDataURL("image/png");
        if (state) { state.textContent = "已签字"; }
      }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);

    form.querySelector("[data-signature-clear]").addEventListener("click", blank);
    if (refused) {
      refused.addEventListener("change", function () {
        if (refused.checked) { blank(); }
        canvas.classList.toggle("opacity-50", refused.checked);
      });
    }
    var kept = input.value;  // a form shown again after an error keeps the signature already drawn
    blank();
    if (kept.indexOf("data:image/png;base64,") === 0) {
      var img = new Image();
      img.onload = function () {
        ctx.drawImage(img, 0, 0, canvas.getBoundingClientRect().width, canvas.getBoundingClientRect().height);
        input.value = kept;
        drawn = true;
        if (state) { state.textContent = "已签字"; }
      };
      img.src = kept;
    }
  }

  document.querySelectorAll("canvas[data-signature-pad]").forEach(setup);
})();
