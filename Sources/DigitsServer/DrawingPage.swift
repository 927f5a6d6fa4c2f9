/// The page `GET /` serves: draw a digit (or a whole number) and watch the network answer.
///
/// One self-contained HTML document — styles and script inline, nothing fetched but the JSON
/// answers — so the server serves no files. Elements a browser test can drive: `#pad` (the
/// canvas), `#clear`, `#upload` (a PNG file), `#mode-number` (a wide canvas read as a number),
/// and the answers `#prediction` (the digit, empty before any answer), `#confidence`,
/// `#probabilities`, `#input-28`, `#layers` and `#reading`. `document.body.dataset.state` is
/// `idle`, `waiting`, `answered` or `error`; `document.body.dataset.drawing` is present while a
/// stroke is under way, when `answered` is the answer to the stroke so far (a slow answer can
/// arrive between two moves of the pen).
enum DrawingPage {
    /// The document.
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>digits — draw a digit</title>
        <style>
          :root { color-scheme: light dark; --ink: #222; --paper: #fff; --accent: #e8590c; --muted: #888; }
          * { box-sizing: border-box; }
          body { margin: 0; font: 16px/1.4 system-ui, sans-serif; padding: 0.75rem; max-width: 60rem; margin: auto; }
          h1 { font-size: 1.3rem; margin: 0 0 0.5rem; }
          main { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
          section { flex: 1 1 18rem; min-width: 0; }
          #pad { width: 100%; max-width: 22rem; aspect-ratio: 1; background: var(--paper); border: 2px solid var(--muted);
                 border-radius: 0.5rem; touch-action: none; cursor: crosshair; display: block; }
          body.number #pad { max-width: 100%; aspect-ratio: 3; }
          body.dragging #pad { border-color: var(--accent); border-style: dashed; }
          .tools { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
          button, label.button { font: inherit; padding: 0.4rem 0.9rem; border-radius: 0.4rem; border: 1px solid var(--muted);
                 background: transparent; color: inherit; cursor: pointer; }
          #upload { max-width: 14rem; font-size: 0.85rem; }
          .answer { display: flex; align-items: baseline; gap: 0.75rem; min-height: 4.5rem; }
          #prediction { font-size: 3.5rem; font-weight: 700; line-height: 1; min-width: 2.2rem; }
          #confidence, #status { color: var(--muted); }
          body[data-state="error"] #status { color: #c92a2a; }
          #reading { font-size: 2.2rem; font-weight: 700; letter-spacing: 0.1em; white-space: pre; min-height: 2.6rem; }
          .only-number { display: none; } body.number .only-number { display: block; }
          body.number .only-digit { display: none; }
          #probabilities { display: grid; grid-template-columns: 1.2rem 1fr 3.6rem; gap: 0.15rem 0.5rem; align-items: center;
                 font-variant-numeric: tabular-nums; }
          .bar { height: 0.9rem; background: var(--accent); border-radius: 0.2rem; min-width: 1px; transition: width 0.15s; }
          .row-best { font-weight: 700; }
          .pct { text-align: right; font-size: 0.85rem; }
          h2 { font-size: 1rem; margin: 1rem 0 0.3rem; }
          canvas.grid { image-rendering: pixelated; image-rendering: crisp-edges; border: 1px solid var(--muted); background: #000; }
          #input-28 { width: 8.4rem; height: 8.4rem; }
          #layers { display: flex; flex-wrap: wrap; gap: 0.75rem; }
          #layers figure { margin: 0; } #layers figcaption { font-size: 0.8rem; color: var(--muted); }
          #layers canvas { width: 9rem; }
          p.help { color: var(--muted); font-size: 0.85rem; }
        </style>
        </head>
        <body data-state="idle">
        <h1>digits — draw a digit</h1>
        <main>
          <section>
            <canvas id="pad" width="280" height="280" aria-label="Drawing pad: draw a digit here"></canvas>
            <div class="tools">
              <button id="clear" type="button">Clear</button>
              <label><input type="checkbox" id="mode-number"> Whole number</label>
              <input type="file" id="upload" accept="image/png" aria-label="Classify a PNG file">
            </div>
            <p class="help">Draw with a mouse, finger or pen, or drop a PNG on the pad.
              <span class="only-number">Write the digits side by side; they are read left to right.</span></p>
            <div id="status" role="status"></div>
          </section>
          <section>
            <div class="only-digit">
              <div class="answer"><span id="prediction" aria-live="polite"></span><span id="confidence"></span></div>
              <div id="probabilities" aria-label="Probability of each digit"></div>
            </div>
            <div class="only-number">
              <h2>Read</h2>
              <div id="reading" aria-live="polite"></div>
            </div>
            <div class="only-digit">
              <h2>What the network saw (28×28)</h2>
              <canvas id="input-28" class="grid" width="28" height="28"></canvas>
              <h2>Hidden layers</h2>
              <div id="layers"></div>
            </div>
          </section>
        </main>
        <script>
        "use strict";
        const pad = document.getElementById("pad");
        const ctx = pad.getContext("2d");
        const $ = (id) => document.getElementById(id);
        let numberMode = false, last = null, dirty = false, inFlight = false, timer = null, inked = false;

        function setState(state, message) {
          document.body.dataset.state = state;
          $("status").textContent = message || "";
        }
        function resetPad() {
          pad.width = numberMode ? 840 : 280;
          pad.height = 280;
          ctx.fillStyle = "#fff";
          ctx.fillRect(0, 0, pad.width, pad.height);
          inked = false;
        }
        function clearAnswers() {
          $("prediction").textContent = "";
          $("confidence").textContent = "";
          $("reading").textContent = "";
          renderBars(null);
          $("input-28").getContext("2d").clearRect(0, 0, 28, 28);
          $("layers").replaceChildren();
          setState("idle");
        }
        function point(event) {
          const box = pad.getBoundingClientRect();
          return { x: (event.clientX - box.left) * pad.width / box.width, y: (event.clientY - box.top) * pad.height / box.height };
        }
        function stroke(from, to, pressure) {
          ctx.strokeStyle = "#111";
          ctx.lineCap = "round";
          ctx.lineJoin = "round";
          ctx.lineWidth = pad.height / 13 * (0.75 + 0.5 * (pressure || 0.5));
          ctx.beginPath();
          ctx.moveTo(from.x, from.y);
          ctx.lineTo(to.x + 0.01, to.y);
          ctx.stroke();
          inked = true;
        }
        pad.addEventListener("pointerdown", (event) => {
          event.preventDefault();
          pad.setPointerCapture(event.pointerId);
          // The page's one record of a stroke under way, which a browser test reads too.
          document.body.dataset.drawing = "";
          last = point(event);
          stroke(last, last, event.pressure);
          schedule();
        });
        pad.addEventListener("pointermove", (event) => {
          if (!isDrawing()) return;
          event.preventDefault();
          const next = point(event);
          stroke(last, next, event.pressure);
          last = next;
          schedule();
        });
        function isDrawing() { return "drawing" in document.body.dataset; }
        function endStroke() {
          if (!isDrawing()) return;
          delete document.body.dataset.drawing;
          schedule(true);
        }
        pad.addEventListener("pointerup", endStroke);
        pad.addEventListener("pointercancel", endStroke);

        // Throttled: at most one request in flight, and at most one every 150 ms while drawing.
        // The page is "waiting" from the first change not yet answered until its answer comes:
        // an answer to an older drawing never reads as the answer to this one.
        function schedule(now) {
          dirty = true;
          if (document.body.dataset.state !== "waiting") setState("waiting", "");
          if (timer !== null) { if (!now) return; clearTimeout(timer); }
          timer = setTimeout(() => { timer = null; send(); }, now ? 0 : 150);
        }
        async function send() {
          if (inFlight || !dirty) return;
          if (!inked) { dirty = false; clearAnswers(); return; }
          dirty = false;
          await post(await exportPad());
          if (dirty) send();
        }
        // The pad at half size: the network sees 28×28, so a 140-pixel-high copy keeps every
        // stroke, and the server decodes a quarter of the pixels.
        function exportPad() {
          const copy = document.createElement("canvas");
          copy.width = pad.width / 2;
          copy.height = pad.height / 2;
          const g = copy.getContext("2d");
          g.imageSmoothingQuality = "high";
          g.drawImage(pad, 0, 0, copy.width, copy.height);
          return new Promise((resolve) => copy.toBlob(resolve, "image/png"));
        }
        async function post(blob) {
          inFlight = true;
          setState("waiting", "");
          try {
            const url = numberMode ? "/read" : "/classify?explain=1";
            const request = () => fetch(url, { method: "POST", headers: { "Content-Type": "image/png" }, body: blob });
            // A kept-alive connection can be closed by the server just as a request goes out on
            // it, and the browser does not resend a POST by itself. Classifying has no side
            // effects, so a request that never got an answer is sent once more.
            const answer = await request().catch(request);
            const json = await answer.json();
            if (!answer.ok) throw new Error(json.error || answer.statusText);
            if (numberMode) showReading(json); else showClassification(json);
            if (!dirty) setState("answered", json.warning ? "Note: " + json.warning : "");
          } catch (error) {
            if (!dirty) setState("error", "Error: " + error.message);
          } finally {
            inFlight = false;
          }
        }

        function renderBars(probabilities) {
          const box = $("probabilities");
          box.replaceChildren();
          const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
          for (let digit = 0; digit < 10; digit++) {
            const p = probabilities ? probabilities[digit] : 0;
            const label = document.createElement("span");
            label.textContent = digit;
            const track = document.createElement("div");
            const bar = document.createElement("div");
            bar.className = "bar";
            bar.style.width = (100 * p).toFixed(1) + "%";
            track.append(bar);
            const pct = document.createElement("span");
            pct.className = "pct";
            pct.textContent = probabilities ? (100 * p).toFixed(1) + "%" : "";
            if (digit === best) { label.className = "row-best"; pct.classList.add("row-best"); }
            box.append(label, track, pct);
          }
        }
        function heat(canvas, values, columns, scale) {
          const rows = Math.ceil(values.length / columns);
          canvas.width = columns; canvas.height = rows;
          const g = canvas.getContext("2d");
          const image = g.createImageData(columns, rows);
          values.forEach((v, i) => {
            const t = Math.max(0, Math.min(1, v / scale));
            image.data[4 * i] = 255 * Math.min(1, 2 * t);
            image.data[4 * i + 1] = 255 * Math.max(0, 2 * t - 1) * 0.9 + 60 * t;
            image.data[4 * i + 2] = 40 * t;
            image.data[4 * i + 3] = 255;
          });
          g.putImageData(image, 0, 0);
        }
        function showClassification(json) {
          $("prediction").textContent = String(json.prediction);
          $("confidence").textContent = (100 * json.confidence).toFixed(1) + "% sure";
          renderBars(json.probabilities);
          if (json.input) {
            const g = $("input-28").getContext("2d");
            const image = g.createImageData(28, 28);
            json.input.forEach((v, i) => {
              const c = Math.round(255 * v);
              image.data.set([c, c, c, 255], 4 * i);
            });
            g.putImageData(image, 0, 0);
          }
          const layers = $("layers");
          layers.replaceChildren();
          (json.hidden || []).forEach((values, index) => {
            const figure = document.createElement("figure");
            const canvas = document.createElement("canvas");
            canvas.className = "grid";
            const columns = Math.ceil(Math.sqrt(values.length));
            heat(canvas, values, columns, Math.max(1e-6, ...values));
            const active = values.filter((v) => v > 0).length;
            const caption = document.createElement("figcaption");
            caption.textContent = "layer " + (index + 1) + ": " + active + " of " + values.length + " active";
            figure.append(canvas, caption);
            layers.append(figure);
          });
        }
        function showReading(json) {
          $("reading").textContent = json.text;
          $("confidence").textContent = json.text ? (100 * json.confidence).toFixed(1) + "% sure" : "";
        }

        $("clear").addEventListener("click", () => { resetPad(); clearAnswers(); dirty = false; });
        $("mode-number").addEventListener("change", (event) => {
          numberMode = event.target.checked;
          document.body.classList.toggle("number", numberMode);
          resetPad(); clearAnswers();
        });
        async function classifyFile(file) {
          if (!file) return;
          try {
            const bitmap = await createImageBitmap(file);
            resetPad();
            const scale = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
            const w = bitmap.width * scale, h = bitmap.height * scale;
            ctx.drawImage(bitmap, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
            inked = true;
          } catch (error) {
            // Not a picture the browser can show; the server says what is wrong with it.
          }
          dirty = false;
          await post(file);
        }
        $("upload").addEventListener("change", (event) => classifyFile(event.target.files[0]));
        pad.addEventListener("dragover", (event) => { event.preventDefault(); document.body.classList.add("dragging"); });
        pad.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
        pad.addEventListener("drop", (event) => {
          event.preventDefault();
          document.body.classList.remove("dragging");
          classifyFile(event.dataTransfer.files[0]);
        });
        resetPad();
        renderBars(null);
        </script>
        </body>
        </html>
        """#
}
