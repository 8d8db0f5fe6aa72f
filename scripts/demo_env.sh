# Sourced by scripts/demo.sh (after bootstrap.sh): the demo's environment.
# The demo runs as production does, with DEBUG off, on plain http on the
# loopback address. Every value can be set by the caller instead.
#
#   PORT                 8000; SITE_URL follows it, so the links in SMS and
#                        e-mail and the fake provider's server-to-server
#                        callbacks (FAKEPAY_CALLBACK_URL = SITE_URL +
#                        /payments/callback/) reach this server
#   DEBUG                false: the portal's own 404 and 500 pages
#   ALLOW_TEST_PAYMENTS  true: the fake payment provider, with DEBUG off
#                        (a "test payments" banner shows on every page)
#   ALLOW_FAKE_BILLING   true: the fake billing system issues the demo's
#                        bills, with DEBUG off (bills/checks.py)
#   SECURE_COOKIES       false: http, so cookies cannot be Secure
#   SECRET_KEY           generated once into $PEA_VAR_DIR/demo-secret-key
#                        (mode 600): sessions survive restarts
#   STATIC_ROOT          $PEA_VAR_DIR/static, filled by collectstatic and
#                        served by WhiteNoise (no manifest: STATIC_MANIFEST)
#   PEA_VAR_DIR          the checkout's var/, as settings.py has it

_demo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

export PEA_VAR_DIR=${PEA_VAR_DIR:-$_demo_root/var}
export PORT=${PORT:-8000}
export DEBUG=${DEBUG:-false}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export ALLOW_TEST_PAYMENTS=${ALLOW_TEST_PAYMENTS:-true}
export ALLOW_FAKE_BILLING=${ALLOW_FAKE_BILLING:-true}
export SECURE_COOKIES=${SECURE_COOKIES:-false}
export STATIC_ROOT=${STATIC_ROOT:-$PEA_VAR_DIR/static}
export STATIC_MANIFEST=${STATIC_MANIFEST:-false}

# The key: made once, readable by its owner only; a key shorter than Django
# wants (50 characters) is replaced.
demo_secret_key() {
  local file=$PEA_VAR_DIR/demo-secret-key key
  key=$(cat "$file" 2>/dev/null || true)
  if [ "${#key}" -lt 50 ]; then
    mkdir -p "$PEA_VAR_DIR" || return 1
    key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))') || return 1
    (umask 077 && printf '%s\n' "$key" > "$file.tmp") || return 1
    mv -f "$file.tmp" "$file" || return 1
  fi
  chmod 600 "$file" || return 1
  printf '%s' "$key"
}
if [ -z "${SECRET_KEY:-}" ]; then
  SECRET_KEY=$(demo_secret_key)
fi
export SECRET_KEY
unset -f demo_secret_key
unset _demo_root
