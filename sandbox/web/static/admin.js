// Sandbox admin page. Opened as http://localhost:<port>/admin/..., it calls the API on the
// origin named by <meta name="api-base"> (http://127.0.0.1:<port>), so the browser really
// performs CORS. No inline script anywhere: the CSP has no 'unsafe-inline'.
"use strict";

(function () {
  const TOKEN_KEY = "sandbox.access_token";
  const EXPIRES_KEY = "sandbox.access_expires_at";
  const apiBase = document.querySelector('meta[name="api-base"]').content.replace(/\/+$/, "");

  function byId(id) {
    return document.getElementById(id);
  }

  function showError(message) {
    const error = byId("error");
    error.textContent = message;
    error.hidden = false;
  }

  // Always read a response body, even of a failure: an unread body keeps the request open.
  async function detailOf(response) {
    try {
      const body = await response.json();
      return typeof body.detail === "string" ? body.detail : "";
    } catch (err) {
      return "";
    }
  }

  async function signIn(event) {
    event.preventDefault();
    const form = event.currentTarget;
    byId("error").hidden = true;
    // the OAuth2 password form (SANDBOX_LOGIN=form) wants urlencoded fields, the default login JSON
    const styleMeta = document.querySelector('meta[name="login-style"]');
    const asForm = styleMeta !== null && styleMeta.content === "form";
    const fields = { username: form.username.value, password: form.password.value };
    let response;
    try {
      response = await fetch(apiBase + "/api/auth/login", {
        method: "POST",
        mode: "cors",
        credentials: "include",
        headers: { "Content-Type": asForm ? "application/x-www-form-urlencoded" : "application/json" },
        body: asForm ? new URLSearchParams({ grant_type: "password", ...fields }) : JSON.stringify(fields),
      });
    } catch (err) {
      // a network or CORS failure: the browser reports the details in its console
      showError("Sign-in failed: the API could not be reached.");
      return;
    }
    if (!response.ok) {
      const detail = await detailOf(response);
      showError(response.status === 401 ? detail || "Invalid username or password"
                                        : "Sign-in failed (HTTP " + response.status + ").");
      return;
    }
    const body = await response.json();
    sessionStorage.setItem(TOKEN_KEY, body.access_token);
    sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + body.expires_in * 1000));
    window.location.assign("/admin/");
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(EXPIRES_KEY);
    window.location.assign("/admin/login");
  }

  async function loadDashboard() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      window.location.replace("/admin/login");
      return;
    }
    let response;
    try {
      response = await fetch(apiBase + "/api/me", {
        mode: "cors",
        credentials: "include",
        headers: { Authorization: "Bearer " + token },
      });
    } catch (err) {
      showError("The API could not be reached.");
      return;
    }
    if (response.status === 401) {
      await detailOf(response);
      signOut();
      return;
    }
    if (!response.ok) {
      await detailOf(response);
      showError("Could not load your account (HTTP " + response.status + ").");
      return;
    }
    const me = await response.json();
    byId("whoami").textContent = "Signed in as " + me.username + " (" + me.role + ")";
    window.dispatchEvent(new CustomEvent("sandbox:signed-in", { detail: me }));
  }

  // Client-side error reporter (where a real app would hand errors to its Sentry SDK): makes
  // uncaught errors visible in the console too.
  window.addEventListener("error", function (event) {
    console.error("admin page error: " + event.message);
  });

  // Session widget: tells when the access token runs out. It writes into #session-expiry
  // without a null check, so a template that lost that element throws here (an uncaught
  // TypeError in an event listener), while the sign-in itself still completes.
  window.addEventListener("sandbox:signed-in", function () {
    const expiresAt = Number(sessionStorage.getItem(EXPIRES_KEY));
    byId("session-expiry").textContent = "Session expires at " + new Date(expiresAt).toLocaleTimeString();
  });

  document.addEventListener("DOMContentLoaded", function () {
    const page = document.body.dataset.page;
    if (page === "login") {
      byId("login-form").addEventListener("submit", signIn);
    } else if (page === "dashboard") {
      byId("sign-out").addEventListener("click", signOut);
      loadDashboard();
    }
  });
})();
