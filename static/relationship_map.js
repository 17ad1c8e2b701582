// Relationship map: draws the people around a client or a contact with Cytoscape.js, from the
// JSON at the card's data-map-url. The card's list of the same people reads without this script;
// with it the list folds away, one click (or key) from any reader.
(() => {
  "use strict";

  const MAX_FIT_ZOOM = 1.2;
  const LARGE = 150; // more nodes than this: a lighter layout, fewer labels until zoomed in
  const GROUPS = {
    work: { label: "Work", colour: "#64748b" },
    family: { label: "Family", colour: "#d97706" },
    friend: { label: "Friend", colour: "#0d9488" },
    love: { label: "Love", colour: "#e11d48" },
  };
  const FOUND = "#f59e0b";
  const calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function part(card, name) {
    return card.querySelector(`[data-rmap-${name}]`);
  }

  // The status line (role=status): words, and optionally a spinner or a link after them.
  function say(card, text, { busy = false, link = null } = {}) {
    const status = part(card, "status");
    status.replaceChildren();
    if (busy) {
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-2";
      spinner.setAttribute("aria-hidden", "true");
      status.append(spinner);
    }
    status.append(text);
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      status.append(" ", anchor);
    }
  }

  function fail(card, reason) {
    card.dataset.mapState = "failed";
    card.classList.add("rmap-failed");
    say(card, `The map could not be drawn (${reason}). The list below shows the same people and links.`);
    part(card, "list").open = true;
  }

  function style(large) {
    return [
      { selector: "node", style: {
        "background-color": "data(colour)", label: "data(label)", width: 22, height: 22,
        "border-width": 2, "border-color": "#fff", color: "#1f2937", "font-size": 11,
        "font-family": "system-ui, sans-serif",
        "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "ellipsis", "text-max-width": 120,
        "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 1,
        "text-background-shape": "round-rectangle", "min-zoomed-font-size": large ? 7 : 0,
      } },
      { selector: "node.owner", style: {
        shape: "round-diamond", width: 20, height: 20, "font-style": "italic", color: "#334155",
      } },
      { selector: "node.focus", style: {
        width: 34, height: 34, "border-width": 3, "border-color": "#111827", "font-weight": 600,
        "font-size": 12, "z-index": 5,
      } },
      { selector: "edge", style: {
        width: 1.5, "curve-style": "bezier", "line-color": "data(colour)", opacity: 0.75,
        "target-arrow-shape": "triangle", "target-arrow-color": "data(colour)", "arrow-scale": 0.8,
        label: "data(label)", "font-size": 10, color: "#475569", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1,
        "min-zoomed-font-size": 8,
      } },
      { selector: "edge.symmetric", style: { "target-arrow-shape": "none" } },
      // Account managers' lines: faint; on a large map only those of the person in focus.
      { selector: "edge.owner", style: {
        width: 1, "line-style": "dashed", "line-dash-pattern": [4, 4], label: "", opacity: 0.45,
        "target-arrow-shape": "none", display: large ? "none" : "element",
      } },
      { selector: ".faded", style: { opacity: 0.12 } },
      { selector: "edge.lit", style: { opacity: 1, width: 2.5 } },
      { selector: "edge.owner.lit", style: { label: "data(label)", display: "element" } },
      { selector: "node.found", style: { "border-color": FOUND, "border-width": 5, "z-index": 10 } },
    ];
  }

  // A force layout. A large map is laid out by its relationships alone, with the account
  // managers in a row above: hundreds of ownership lines would pull it into a knot.
  // Everyone in view; a few people fitted to the box would be drawn huge, so no closer than a
  // comfortable zoom.
  function fitAll(cy) {
    cy.fit(undefined, 24);
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    }
  }

  function arrange(cy, large) {
    const forces = {
      name: "cose", animate: false, randomize: true, padding: 24, nodeDimensionsIncludeLabels: !large,
      idealEdgeLength: () => (large ? 50 : 90), nodeRepulsion: () => (large ? 6000 : 12000),
      edgeElasticity: () => 80, gravity: large ? 0.6 : 0.4, componentSpacing: 30,
      numIter: large ? 250 : 1200, coolingFactor: large ? 0.95 : 0.99, // large: half a second, not three
    };
    if (!large) {
      cy.layout(forces).run();
      fitAll(cy);
      return;
    }
    const people = cy.elements().not(".owner");
    people.layout({ ...forces, fit: false }).run();
    const box = people.boundingBox();
    const owners = cy.nodes(".owner");
    const step = box.w / (owners.length + 1);
    owners.forEach((node, n) => node.position({ x: box.x1 + step * (n + 1), y: box.y1 - 60 }));
    fitAll(cy);
  }

  function elements(graph) {
    const nodes = graph.nodes.map((node) => ({
      group: "nodes", data: node, classes: [node.kind, node.focus ? "focus" : ""].join(" ").trim(),
    }));
    const edges = graph.edges.map((edge) => {
      const kind = GROUPS[edge.group];
      const colour = edge.kind === "owner" ? graph.colours.owner : (kind ? kind.colour : "#94a3b8");
      const classes = [edge.kind, edge.symmetric ? "symmetric" : ""].join(" ").trim();
      return { group: "edges", data: { ...edge, colour }, classes };
    });
    return nodes.concat(edges);
  }

  function swatch(colour, shape) {
    const mark = document.createElement("span");
    mark.className = `rmap-key rmap-key-${shape}`;
    mark.setAttribute("aria-hidden", "true");
    if (shape === "line") mark.style.borderTopColor = colour;
    else mark.style.backgroundColor = colour;
    return mark;
  }

  function legend(card, graph) {
    const list = part(card, "legend");
    const item = (colour, shape, text, extra) => {
      const entry = document.createElement("li");
      entry.append(swatch(colour, shape), text);
      if (extra) entry.dataset[extra.name] = extra.value;
      list.append(entry);
    };
    list.replaceChildren();
    graph.companies.forEach((company) => {
      item(company.colour, "dot", company.client ? `${company.name} (client)` : company.name,
        { name: "companyId", value: String(company.id) });
    });
    const nodes = graph.nodes;
    if (nodes.some((n) => n.kind === "contact" && !n.company)) item(graph.colours.no_company, "dot", "No company");
    if (nodes.some((n) => n.kind === "owner")) item(graph.colours.owner, "diamond", "Account manager");
    const groups = new Set(graph.edges.map((edge) => edge.group).filter(Boolean));
    Object.entries(GROUPS).forEach(([name, kind]) => {
      if (groups.has(name)) item(kind.colour, "line", `${kind.label} link`);
    });
  }

  // Light a person and their links; fade everyone else. No node: everything back to normal.
  function light(cy, node) {
    cy.batch(() => {
      cy.elements().removeClass("faded lit found");
      if (!node) return;
      const near = node.closedNeighborhood();
      cy.elements().not(near).addClass("faded");
      node.connectedEdges().addClass("lit");
    });
  }

  function describe(node) {
    const company = node.data("company");
    let text = node.data("label");
    if (node.data("title")) text += `, ${node.data("title")}`;
    if (company) text += ` at ${company.name}`;
    return text;
  }

  function find(card, cy, text) {
    const query = text.trim().toLowerCase();
    light(cy, null);
    if (!query) {
      say(card, "Type a name to find that person on the map.");
      return;
    }
    const people = cy.nodes(".contact");
    let found = people.filter((node) => node.data("label").toLowerCase() === query);
    if (found.empty()) found = people.filter((node) => node.data("label").toLowerCase().includes(query));
    if (found.empty()) {
      card.dataset.mapFound = "";
      say(card, `No one called “${text.trim()}” is on this map.`);
      return;
    }
    const node = found[0];
    light(cy, node);
    node.addClass("found");
    card.dataset.mapFound = node.id();
    // Bring the person and everyone linked to them into view, close enough to read.
    const near = node.closedNeighborhood();
    const box = near.boundingBox();
    const padding = 48;
    const fits = Math.min((cy.width() - padding * 2) / box.w, (cy.height() - padding * 2) / box.h);
    const level = Math.max(Math.min(fits, 1.4), 0.5);
    cy.animate({ zoom: level, center: { eles: near } }, { duration: calm ? 0 : 300 });
    const more = found.length > 1 ? ` (${found.length - 1} more match${found.length > 2 ? "es" : ""})` : "";
    say(card, `Found ${describe(node)}${more}.`, { link: { href: node.data("url"), text: "Open their page" } });
  }

  function wire(card, cy, graph) {
    const graphBox = part(card, "graph");
    cy.on("tap", "node.contact", (event) => window.location.assign(event.target.data("url")));
    // The person last found stays lit until the background is tapped.
    const lastFound = () => {
      const found = card.dataset.mapFound && cy.getElementById(card.dataset.mapFound);
      return found && found.nonempty() ? found : null;
    };
    cy.on("tap", (event) => {
      if (event.target !== cy) return;
      card.dataset.mapFound = "";
      light(cy, null);
    });
    cy.on("mouseover", "node", (event) => {
      light(cy, event.target);
      graphBox.classList.toggle("is-pointing", event.target.hasClass("contact"));
      graphBox.title = describe(event.target);
    });
    cy.on("mouseout", "node", () => {
      graphBox.classList.remove("is-pointing");
      graphBox.title = "";
      const found = lastFound();
      light(cy, found);
      if (found) found.addClass("found");
    });

    const names = part(card, "names");
    const labels = [...new Set(graph.nodes.filter((n) => n.kind === "contact").map((n) => n.label))].sort();
    names.replaceChildren(...labels.map((label) => Object.assign(document.createElement("option"), { value: label })));
    part(card, "find").addEventListener("submit", (event) => {
      event.preventDefault();
      find(card, cy, part(card, "find-input").value);
    });

    card.querySelectorAll("[data-rmap-zoom]").forEach((button) => {
      button.addEventListener("click", () => {
        const factor = button.dataset.rmapZoom === "in" ? 1.3 : 1 / 1.3;
        const middle = { x: graphBox.clientWidth / 2, y: graphBox.clientHeight / 2 };
        cy.zoom({ level: cy.zoom() * factor, renderedPosition: middle });
      });
    });
    part(card, "fit").addEventListener("click", () => fitAll(cy));
  }

  function draw(card, graph) {
    const large = graph.nodes.length > LARGE;
    card.classList.toggle("rmap-large", large);
    const cy = window.cytoscape({
      container: part(card, "graph"),
      elements: elements(graph),
      style: style(large),
      layout: { name: "preset" },
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autounselectify: true,
    });
    arrange(cy, large);
    legend(card, graph);
    wire(card, cy, graph);
    if (graph.focus) {
      const focus = cy.getElementById(graph.focus);
      if (focus.nonempty() && large) cy.center(focus);
    }
    card.dataset.mapState = "ready";
    const tip = "Click or tap a person to open their page; drag to move around, scroll or pinch to zoom.";
    say(card, graph.capped ? `${tip} Only the ${graph.cap} nearest people are drawn.` : tip);
    card.rmap = cy; // for tests and the console
  }

  function start(card) {
    if (typeof window.cytoscape !== "function") {
      fail(card, "the drawing library did not load");
      part(card, "view").hidden = false;
      return;
    }
    part(card, "view").hidden = false;
    part(card, "list").open = false;
    card.dataset.mapState = "loading";
    say(card, "Loading the map…", { busy: true });
    fetch(card.dataset.mapUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`error ${response.status}`);
        return response.json();
      })
      .then((graph) => {
        // Say what is coming and let it show before the layout takes the main thread.
        say(card, `Drawing ${graph.nodes.length} people and account managers…`, { busy: true });
        return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(graph), 0)));
      })
      .then((graph) => draw(card, graph))
      .catch((error) => fail(card, error.message || "network error"));
  }

  // Each card once: those on the page now, and any that htmx swaps in later (the contact page's
  // map after a first link), which arrive still "waiting".
  function startWaiting(root) {
    const cards = [root, ...root.querySelectorAll("[data-relationship-map]")];
    cards
      .filter((card) => card.matches && card.matches("[data-relationship-map]"))
      .filter((card) => card.dataset.mapState === "waiting")
      .forEach(start);
  }
  startWaiting(document.documentElement);
  document.addEventListener("htmx:load", (event) => startWaiting(event.detail.elt));
})();
