#!/usr/bin/env bash
# Walk the simulated RemoteLock API with plain curl: OAuth (client credentials, code flow via
# the sign-in form, refresh rotation, revoke), lists with paging/filters/sorting, access
# persons and accesses, lock/unlock with its event, webhook registration, rate-limit headers.
# Usage: examples/curl/remotelock.sh [CONTROL_URL]   (default http://127.0.0.1:8700/_control)
set -euo pipefail

CONTROL=${1:-http://127.0.0.1:8700/_control}
ACCEPT='application/vnd.lockstate+json; version=1'
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
STATUS=""
TOKEN=""

fail() { echo "FAIL: $*" >&2; exit 1; }

# py EXPR: evaluate a Python expression over the last body (b = parsed JSON, d = b["data"],
# h = response headers, lower-cased) and print it.
py() {
  EXPR=$1 python3 - "$TMP/body" "$TMP/headers" <<'PY'
import json, os, sys
text = open(sys.argv[1]).read()
try:
    b = json.loads(text) if text else None
except ValueError:
    b = text
d = b.get("data") if isinstance(b, dict) else None
h = {}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    if ":" in line:
        k, v = line.split(":", 1)
        h[k.strip().lower()] = v.strip()
print(eval(os.environ["EXPR"]))
PY
}

# expect STATUS [PYTHON_CHECK]: the last response had STATUS and the check holds.
expect() {
  [[ $STATUS == "$1" ]] || fail "expected HTTP $1, got $STATUS"
  if [[ $# -gt 1 ]]; then
    [[ $(py "bool($2)") == "True" ]] || fail "check failed: $2"
  fi
}

show() { echo "== $1 -> HTTP $STATUS"; cat "$TMP/body"; echo; }

# api METHOD PATH [JSON]: an authenticated API call.
api() {
  local args=(-sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$1" "$API$2"
              -H "Accept: $ACCEPT" -H "Authorization: Bearer $TOKEN")
  if [[ $# -gt 2 ]]; then args+=(-H 'Content-Type: application/json' --data "$3"); fi
  STATUS=$(curl "${args[@]}")
  show "$1 $2"
}

# form URL FIELD=VALUE...: a form POST (OAuth endpoints), redirects not followed.
form() {
  local url=$1; shift
  local args=(-sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X POST "$url")
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  STATUS=$(curl "${args[@]}")
  show "POST $url"
}

control() {
  local args=(-sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$1" "$CONTROL$2")
  if [[ $# -gt 2 ]]; then args+=(-H 'Content-Type: application/json' --data "$3"); fi
  STATUS=$(curl "${args[@]}")
  show "$1 (control) $2"
}

# --- discovery --------------------------------------------------------------------------
control GET ""
expect 200 '"remotelock" in b["vendors"]'
AUTH=$(py 'b["vendors"]["remotelock"]["auth_url"]')
API=$(py 'b["vendors"]["remotelock"]["api_url"]')
CLIENT_ID=$(py 'b["vendors"]["remotelock"]["credentials"]["client_id"]')
SECRET=$(py 'b["vendors"]["remotelock"]["credentials"]["client_secret"]')
REDIRECT=$(py 'b["vendors"]["remotelock"]["credentials"]["redirect_uri"]')
USERNAME=$(py 'b["vendors"]["remotelock"]["credentials"]["username"]')
PASSWORD=$(py 'b["vendors"]["remotelock"]["credentials"]["password"]')

# --- OAuth: client credentials (no refresh token) ---------------------------------------
form "$AUTH/oauth/token" grant_type=client_credentials "client_id=$CLIENT_ID" \
  "client_secret=$SECRET"
expect 200 'set(b) == {"access_token", "expires_in", "token_type"} and b["token_type"] == "Bearer" and b["access_token"].startswith("1/")'
TOKEN=$(py 'b["access_token"]')

# --- OAuth: authorization code via the sign-in form, then refresh rotation ---------------
STATUS=$(curl -sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -G "$AUTH/oauth/authorize" \
  --data-urlencode "client_id=$CLIENT_ID" --data-urlencode response_type=code \
  --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode state=curl-walk)
show "GET $AUTH/oauth/authorize"
expect 200 '"name=\x27password\x27" in b'
form "$AUTH/oauth/authorize" "client_id=$CLIENT_ID" "redirect_uri=$REDIRECT" \
  response_type=code state=curl-walk "username=$USERNAME" "password=$PASSWORD" decision=allow
expect 302 'h["location"].startswith("'"$REDIRECT"'?") and "state=curl-walk" in h["location"]'
CODE=$(py '__import__("urllib.parse").parse.parse_qs(__import__("urllib.parse").parse.urlsplit(h["location"]).query)["code"][0]')
form "$AUTH/oauth/token" grant_type=authorization_code "code=$CODE" "redirect_uri=$REDIRECT" \
  "client_id=$CLIENT_ID" "client_secret=$SECRET"
expect 200 'list(b) == ["access_token", "expires_in", "token_type", "refresh_token"] and b["expires_in"] == 7200'
REFRESH=$(py 'b["refresh_token"]')
form "$AUTH/oauth/token" grant_type=refresh_token "refresh_token=$REFRESH" \
  "client_id=$CLIENT_ID" "client_secret=$SECRET"
expect 200 'b["refresh_token"] != "'"$REFRESH"'"'
USER_TOKEN=$(py 'b["access_token"]')
form "$AUTH/oauth/token" grant_type=refresh_token "refresh_token=$REFRESH" \
  "client_id=$CLIENT_ID" "client_secret=$SECRET"
expect 400 'b["error"] == "invalid_grant" and "error_description" in b'

# --- the signed-in user and the account ---------------------------------------------------
SAVED=$TOKEN; TOKEN=$USER_TOKEN
api GET /user
expect 200 'd["type"] == "user" and d["attributes"]["email"] == "'"$USERNAME"'" and d["links"]["primary_account"].endswith("/account")'
TOKEN=$SAVED
api GET /account
expect 200 'd["type"] == "account" and set(d["links"]) == {"self", "primary_owner", "owner_role"}'
ACCOUNT=$(py 'd["id"]')

# --- lists: envelopes, paging, filters, sorting, rate-limit headers ------------------------
api GET /locations
expect 200 'set(b) == {"data", "meta"} and set(b["meta"]) == {"page", "per_page", "total_pages", "total_count"} and list(d[0]) == ["type", "attributes", "id", "links"] and "address2" in d[0]["attributes"]'
expect 200 'h["x-ratelimit-limit"] == "120" and int(h["x-ratelimit-remaining"]) < 120 and int(h["x-ratelimit-reset"]) > 0'
LOCATION=$(py 'd[0]["id"]')
api GET "/devices?per_page=50&page=2"
expect 200 'b["meta"]["page"] == 2 and b["meta"]["per_page"] == 50 and len(d) == 50'
api GET "/devices?per_page=51"
expect 400 'set(b) == {"message", "type"}'
api GET "/devices?type=Lock&attributes%5Blocation_id%5D=$LOCATION&sort=-name&per_page=5"
expect 200 'all(x["type"] == "lock" and x["attributes"]["location_id"] == "'"$LOCATION"'" for x in d) and [x["attributes"]["name"] for x in d] == sorted([x["attributes"]["name"] for x in d], key=str.casefold, reverse=True)'
LOCK=$(py 'next(x["id"] for x in d if x["attributes"]["connected"])')
api GET "/devices/$LOCK"
expect 200 'd["type"] == "lock" and set(d["links"]) >= {"self", "model", "location"} and d["attributes"]["state"] in ("locked", "unlocked")'
api GET "/events?type%5B%5D=unlocked&per_page=3"
expect 200 'all(e["type"] == "unlocked_event" for e in d) and b["meta"]["total_count"] > 0'
api GET "/access_persons?attributes%5Bstatus%5D%5B%5D=deactivated&attributes%5Bstatus%5D%5B%5D=expired&per_page=3"
expect 200 'all(p["meta"] == {"restricted_actions": ["update"]} for p in d)'
curl -sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$API/v1/locations?per_page=1" \
  -H "Authorization: Bearer $TOKEN" > "$TMP/status"
STATUS=$(cat "$TMP/status"); show "GET /v1/locations (URL-prefix versioning)"
expect 200 '"/api/v1/locations/" in d[0]["links"]["self"]'

# --- access persons and accesses -----------------------------------------------------------
api POST /access_persons '{"type": "access_guest", "attributes": {"name": "Ann Smith", "generate_pin": true, "starts_at": "2030-01-02T16:00:00", "ends_at": "2030-01-05T11:00:00"}}'
expect 201 'd["type"] == "access_guest" and d["attributes"]["status"] == "upcoming" and d["attributes"]["pin"].isdigit() and d["attributes"]["starts_at"] == "2030-01-02T16:00:00"'
GUEST=$(py 'd["id"]')
api POST /access_persons '{"type": "access_guest", "attributes": {"name": "No Dates", "pin": "1234"}}'
expect 422 'set(b) == {"attributes", "errors"} and {e["attribute"] for e in b["errors"]} == {"starts_at", "ends_at"} and all(set(e) == {"attribute", "messages", "full_messages"} for e in b["errors"])'
api POST "/access_persons/$GUEST/accesses" "{\"attributes\": {\"accessible_type\": \"lock\", \"accessible_id\": \"$LOCK\", \"guest_start_time\": \"14:00\"}}"
expect 201 'd["type"] == "access_person_access" and d["attributes"]["guest_start_time"] == "14:00:00" and d["attributes"]["accessible_id"] == "'"$LOCK"'" and "access_schedule_id" not in d["attributes"]'
api POST "/access_persons/$GUEST/email/notify" '{"attributes": {"days_before": 1}}'
expect 422 'b["errors"][0]["attribute"] == "email"'
api PUT "/access_persons/$GUEST/deactivate"
expect 200 'd["attributes"]["status"] == "deactivated" and d["meta"]["restricted_actions"] == ["update"]'

# --- webhook registration ------------------------------------------------------------------
api POST /notification_subscribers '{"type": "webhook_notification_subscriber", "attributes": {"active": true, "name": "Concierge", "url": "https://concierge.example.com/webhooks/remotelock", "content_type": "json", "secret": "5f7c5b9ccedea8832a46cfca516da134"}}'
expect 201 'list(d["attributes"]) == ["name", "url", "content_type", "secret", "active", "created_at", "updated_at"]'
SUBSCRIBER=$(py 'd["id"]')
api POST /notification_subscriptions "{\"attributes\": {\"events\": [{\"event_type\": \"unlocked\"}, {\"event_type\": \"locked\"}], \"publisher_type\": \"account\", \"publisher_id\": \"$ACCOUNT\", \"subscriber_type\": \"webhook_notification_subscriber\", \"subscriber_id\": \"$SUBSCRIBER\"}}"
expect 201 'd["type"] == "notification_subscription" and d["attributes"]["events"] == [{"event_type": "unlocked"}, {"event_type": "locked"}]'
api POST /notification_subscribers '{"type": "webhook_notification_subscriber", "attributes": {"name": "Plain", "url": "http://example.com/hook", "content_type": "json"}}'
expect 422 'b["errors"][0]["attribute"] == "url"'

# --- lock / unlock and the confirming event --------------------------------------------------
api PUT "/devices/$LOCK/unlock"
expect 200 'd["attributes"]["state"] == "unlocked"'
for _ in 1 2 3 4 5 6 7 8 9 10; do
  api GET "/events?attributes%5Bpublisher_id%5D=$LOCK&type=unlocked&per_page=1"
  if [[ $(py 'bool(d) and d[0]["attributes"]["method"] == "remote"') == "True" ]]; then break; fi
  sleep 0.3
done
expect 200 'd[0]["type"] == "unlocked_event" and d[0]["attributes"]["source"] == "user" and d[0]["attributes"]["status"] == "succeeded" and d[0]["attributes"]["publisher_type"] == "lock"'
api PUT "/devices/$LOCK/lock"
expect 200 'd["attributes"]["state"] == "locked"'

# --- a scenario at the door, through the control API ----------------------------------------
control POST /scenarios/remotelock/battery_low "{\"device_id\": \"$LOCK\", \"power_level\": 9}"
expect 200 'b["event"]["type"] == "power_level_low_event" and b["event"]["attributes"]["power_level"] == 9'
EVENT=$(py 'b["event"]["id"]')
api GET "/notifications?attributes%5Bevent_id%5D=$EVENT"
expect 200 'any(n["attributes"]["event_type"] == "power_level_low_event" for n in d)'

# --- errors ------------------------------------------------------------------------------------
api GET /devices/00000000-0000-4000-8000-000000000000
expect 404 'b == {"message": "Device not found", "type": "not_found"}'

# --- revoke ------------------------------------------------------------------------------------
form "$AUTH/oauth/revoke" "client_id=$CLIENT_ID" "client_secret=$SECRET" "token=$TOKEN"
expect 200 'b == {}'
api GET /locations
expect 401 'b["type"] == "unauthorized"'

echo "remotelock curl walk: all checks passed"
