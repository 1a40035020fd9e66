// The flavors' front-end apps (web shop, POS, RealServ's web app), each opened on an origin of its
// own (http://<app>.localhost:<port>) and calling the API on <meta name="api-base">, so every
// authenticated call really crosses origins and goes through the browser's CORS. The page's
// <meta> tags say which API paths the app uses. No inline script anywhere: the CSP forbids it.
"use strict";

(function () {
  function meta(name) {
    const tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.content : "";
  }
  const apiBase = meta("api-base").replace(/\/+$/, "");
  const app = meta("app");
  const TOKEN_KEY = app + ".token";
  const STORE_KEY = app + ".store";
  const cart = [];

  function byId(id) {
    return document.getElementById(id);
  }

  function showError(text) {
    const error = byId("error");
    error.textContent = text;
    error.hidden = false;
  }

  // Every API call: cross-origin, with the bearer token once signed in; the body is always read.
  async function call(path, options) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(apiBase + path, Object.assign({ mode: "cors", headers: headers }, options || {}));
    const body = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      const error = new Error(typeof body.detail === "string" ? body.detail
        : (body.error && body.error.message) || "HTTP " + response.status);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  async function signIn(event) {
    event.preventDefault();
    const form = event.currentTarget;
    byId("error").hidden = true;
    const fields = Object.assign({ email: form.email.value, password: form.password.value },
                                 JSON.parse(meta("login-extra") || "{}"));
    let body;
    try {
      body = await call(meta("login-path"), { method: "POST", body: JSON.stringify(fields) });
    } catch (err) {
      // a network or CORS failure has no status: the browser reports the details in its console
      showError(err.status ? "Sign-in refused: " + err.message : "Sign-in failed: the API could not be reached.");
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, body[meta("token-field")]);
    if (body.store && body.store.entity_code) sessionStorage.setItem(STORE_KEY, body.store.entity_code);
    window.location.assign(meta("home-page"));
  }

  async function showHome() {
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      window.location.assign(meta("login-page"));
      return;
    }
    let me;
    try {
      me = await call(meta("me-path"));
    } catch (err) {
      showError("Could not load your account: " + err.message);
      return;
    }
    byId("whoami").textContent = "Signed in as " + (me.email || me.username) + (me.role ? " (" + me.role + ")" : "");
    document.querySelector("[data-testid=signed-in]").hidden = false;
    window.dispatchEvent(new CustomEvent("app:signed-in", { detail: me }));
    if (byId("till")) showTill();
    if (byId("catalog")) await showCatalog();
  }

  // Greeting widget: writes into #greeting without a null check, so a template that lost the
  // element throws here (an uncaught TypeError in an event listener) after the sign-in completed.
  window.addEventListener("app:signed-in", function (event) {
    byId("greeting").textContent = "Welcome back, " + (event.detail.email || event.detail.username);
  });

  async function showCatalog() {
    let listing;
    try {
      listing = await call(meta("products-path"));
    } catch (err) {
      showError("Could not load the catalog: " + err.message);
      return;
    }
    const list = byId("catalog");
    for (const product of listing.items || []) {
      const item = document.createElement("li");
      item.className = "product";
      const name = document.createElement("span");
      name.textContent = product.name + (product.price !== undefined ? " - Rs " + Number(product.price).toFixed(2) : "");
      item.append(name);
      if (byId("cart")) {
        const add = document.createElement("button");
        add.type = "button";
        add.className = "add-to-cart";
        add.textContent = "Add to cart";
        add.addEventListener("click", function () { addToCart(product); });
        item.append(add);
      }
      list.append(item);
    }
    list.hidden = false;
    const checkout = byId("checkout");
    if (checkout) checkout.addEventListener("click", checkOut);
  }

  function addToCart(product) {
    cart.push(product);
    byId("cart-count").textContent = String(cart.length);
    byId("cart").hidden = false;
  }

  async function checkOut() {
    byId("error").hidden = true;
    if (!cart.length) {
      showError("Your cart is empty.");
      return;
    }
    const product = cart[0];
    const quantity = cart.filter(function (item) { return item.id === product.id; }).length;
    try {
      const order = await call(meta("order-path"), { method: "POST", body: JSON.stringify(
        { product_id: product.id, quantity: quantity, reference: byId("order-note").value }) });
      const payment = await call(meta("payment-path"), { method: "POST", body: JSON.stringify({ order_id: order.id }) });
      // Razorpay's hosted checkout takes the order it is to collect
      const target = new URL(meta("checkout-url"));
      target.search = new URLSearchParams({ key_id: payment.key_id, order_id: payment.razorpay_order_id,
                                            amount: String(payment.amount), currency: payment.currency }).toString();
      window.location.assign(target.toString());
    } catch (err) {
      showError("Checkout failed: " + err.message);
    }
  }

  function showTill() {
    byId("store").textContent = "Store " + (sessionStorage.getItem(STORE_KEY) || "unknown");
    byId("till").hidden = false;
    byId("bill").addEventListener("click", bill);
  }

  async function bill() {
    byId("error").hidden = true;
    let receipt;
    try {
      receipt = await call(meta("bill-path"), { method: "POST", body: JSON.stringify({
        items: [{ code: byId("item-code").value, quantity: Number(byId("quantity").value || "1") }],
        reference: byId("bill-reference").value }) });
    } catch (err) {
      showError("Billing failed: " + err.message);
      return;
    }
    byId("receipt").textContent = "Bill " + receipt.id + " - Rs " + receipt.total;
    byId("receipt").hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const page = document.body.dataset.page;
    if (page === "login") byId("login-form").addEventListener("submit", signIn);
    if (page === "home") showHome();
  });
})();
