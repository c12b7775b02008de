// The sign-in form and the account line. The form appears whenever the page has no session (a
// gateway reachable beyond this machine, or a sign-in that ended); everything else is hidden
// until someone signs in. How a key becomes a token lives in api.js.
import { onAuthChange, signIn, signOut } from "./api.js";

export class SignIn {
  /**
   * `onSignedIn()` runs when the page's content may load (at the start, or after a sign-in);
   * `onSignedOut({ chosen })` when it must be cleared (`chosen`: the person pressed Sign out,
   * rather than the sign-in ending by itself). `next` gets the focus after a sign-in.
   */
  constructor({
    section,
    form,
    input,
    error,
    button,
    account,
    accountText,
    signOutButton,
    next,
    onSignedIn,
    onSignedOut,
  }) {
    this.section = section;
    this.input = input;
    this.error = error;
    this.button = button;
    this.account = account;
    this.accountText = accountText;
    this.signOutButton = signOutButton;
    this.next = next;
    this.onSignedIn = onSignedIn;
    this.onSignedOut = onSignedOut;
    this.signedIn = null; // unknown until the first answer
    this.leaving = false;
    form.addEventListener("submit", (submit) => {
      submit.preventDefault();
      this.submit();
    });
    signOutButton.addEventListener("click", () => this.signOut());
    onAuthChange((auth) => this.show(auth));
  }

  show(auth) {
    const out = auth.status === "signed-out";
    document.body.dataset.auth = out ? "signed-out" : "signed-in";
    this.section.hidden = !out;
    // Only a key's sign-in can be left; the local key's session is this machine's own.
    const withKey = auth.status === "signed-in" && auth.via === "key";
    this.account.hidden = !withKey;
    if (withKey) this.accountText.textContent = `Signed in with key ${auth.keyId}`;
    if (out) {
      this.say(auth.message || null);
      if (this.signedIn === true) this.onSignedOut({ chosen: this.leaving });
      this.input.focus();
    } else if (this.signedIn !== true) {
      this.onSignedIn();
    }
    this.signedIn = !out;
  }

  /** Show `message` in the form (null clears it); `invalid` marks the key field as the cause. */
  say(message, { invalid = false } = {}) {
    this.error.textContent = message || "";
    this.error.hidden = !message;
    if (invalid) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }

  async submit() {
    this.say(null);
    this.button.disabled = true;
    this.button.textContent = "Signing in…";
    try {
      await signIn(this.input.value);
      // The key is not kept anywhere once traded, this field included.
      this.input.value = "";
      this.next.focus();
    } catch (error) {
      this.say(error.message || String(error), { invalid: !error.retryable });
      this.input.focus();
      this.input.select();
    } finally {
      this.button.disabled = false;
      this.button.textContent = "Sign in";
    }
  }

  async signOut() {
    this.signOutButton.disabled = true;
    this.leaving = true;
    try {
      await signOut();
    } finally {
      this.leaving = false;
      this.signOutButton.disabled = false;
    }
  }
}
