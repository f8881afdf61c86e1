#!/usr/bin/env bash
# Walk the simulated ButterflyMX API with plain curl: OAuth (password, code, refresh),
# JSON:API lists (pagination, include, filter), key writes, keychains, webhook
# integrations, the v4 remote door release, and a ringing call.
# Usage: examples/curl/butterflymx.sh [CONTROL_URL]   (default http://127.0.0.1:8700/_control)
# Exits non-zero as soon as a response does not have the reference's shape.
set -euo pipefail

CONTROL="${1:-http://127.0.0.1:8700/_control}"
JSONAPI="application/vnd.api+json"
STATUS=""
BODY=""

step() { printf '\n=== %s\n' "$*"; }

# check 'python expression over b (the parsed body) and s (the status)' 'what it means'
check() {
  if ! BODY="$BODY" STATUS="$STATUS" python3 -c '
import json, os, sys
s = int(os.environ["STATUS"] or 0)
raw = os.environ["BODY"]
b = json.loads(raw) if raw.strip().startswith(("{", "[")) else raw
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"; then
    echo "MISMATCH: $2" >&2
    echo "status=$STATUS body=${BODY:0:2000}" >&2
    exit 1
  fi
  echo "ok: $2"
}

# field 'python expression over b' -> prints its value
field() { BODY="$BODY" python3 -c 'import json, os, sys; b = json.loads(os.environ["BODY"]); print(eval(sys.argv[1]))' "$1"; }

# request METHOD URL [curl args...]: sets STATUS and BODY, prints the body
request() {
  local method="$1" url="$2"
  shift 2
  local out
  out="$(curl -sS -X "$method" "$url" -w '\n%{http_code}' "$@")"
  STATUS="${out##*$'\n'}"
  BODY="${out%$'\n'*}"
  echo "$method $url -> $STATUS"
  echo "${BODY:0:600}"
}

api() {  # api METHOD PATH TOKEN [JSON]
  local method="$1" path="$2" token="$3"
  if [[ $# -ge 4 ]]; then
    request "$method" "$API$path" -H "Accept: $JSONAPI" -H "Content-Type: $JSONAPI" \
      -H "Authorization: Bearer $token" --data "$4"
  else
    request "$method" "$API$path" -H "Accept: $JSONAPI" -H "Authorization: Bearer $token"
  fi
}

step "Sandbox info from the control API"
request GET "$CONTROL"
check 's == 200 and "butterflymx" in b["vendors"]' "control API lists butterflymx"
INFO="$BODY"
read -r AUTH API CLIENT_ID CLIENT_SECRET USERNAME PASSWORD RES_USER RES_PASS < <(
  BODY="$INFO" python3 -c '
import json, os
v = json.loads(os.environ["BODY"])["vendors"]["butterflymx"]
c = v["credentials"]
print(v["auth_url"], v["api_url"], c["client_id"], c["client_secret"], c["username"],
      c["password"], c["resident"]["username"], c["resident"]["password"])')

step "Password grant (urlencoded)"
request POST "$AUTH/oauth/token" -d grant_type=password -d "client_id=$CLIENT_ID" \
  -d "client_secret=$CLIENT_SECRET" --data-urlencode "username=$USERNAME" \
  --data-urlencode "password=$PASSWORD"
check 's == 200 and set(b) == {"access_token","token_type","expires_in","refresh_token","created_at"}' \
  "Doorkeeper token response keys"
check 'b["token_type"] == "bearer" and b["expires_in"] == 7200 and b["access_token"].startswith("eyJ0eXAi")' \
  "bearer, 2 h, JWT-looking"
TOKEN="$(field 'b["access_token"]')"
REFRESH="$(field 'b["refresh_token"]')"

step "Wrong client secret"
request POST "$AUTH/oauth/token" -d grant_type=password -d "client_id=$CLIENT_ID" \
  -d client_secret=wrong --data-urlencode "username=$USERNAME" --data-urlencode "password=$PASSWORD"
check 's == 401 and b["error"] == "invalid_client" and b["error_description"].startswith("Client authentication failed")' \
  "documented invalid_client body"

step "Refresh rotates both tokens; the old refresh token is then refused with 401"
request POST "$AUTH/oauth/token" -d grant_type=refresh_token -d "refresh_token=$REFRESH" \
  -d "client_id=$CLIENT_ID" -d "client_secret=$CLIENT_SECRET"
check "s == 200 and b['refresh_token'] != '$REFRESH' and b['access_token'] != '$TOKEN'" "both rotated"
TOKEN="$(field 'b["access_token"]')"
request POST "$AUTH/oauth/token" -d grant_type=refresh_token -d "refresh_token=$REFRESH" \
  -d "client_id=$CLIENT_ID" -d "client_secret=$CLIENT_SECRET"
check 's == 401 and b["error"] == "invalid_grant"' "rotated refresh token is dead"

step "Authorization code flow: login form, redirect with code, multipart exchange"
REDIRECT="http://127.0.0.1:9/oauth/callback"
request GET "$AUTH/oauth/authorize" -G --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode "redirect_uri=$REDIRECT" -d response_type=code \
  --data-urlencode "client_secret=$CLIENT_SECRET"
check 's == 200 and "name=\"password\"" in b' "HTML login form"
LOCATION="$(curl -sS -o /dev/null -w '%{redirect_url}' -X POST "$AUTH/oauth/authorize" \
  --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "redirect_uri=$REDIRECT" \
  -d response_type=code -d state=walk --data-urlencode "username=$RES_USER" \
  --data-urlencode "password=$RES_PASS")"
echo "redirected to $LOCATION"
CODE="$(python3 -c 'import sys, urllib.parse as u; q = u.parse_qs(u.urlsplit(sys.argv[1]).query); assert q["state"] == ["walk"]; print(q["code"][0])' "$LOCATION")"
request POST "$AUTH/oauth/token" --form grant_type=authorization_code --form "code=$CODE" \
  --form "client_id=$CLIENT_ID" --form "client_secret=$CLIENT_SECRET" --form "redirect_uri=$REDIRECT"
check 's == 200 and b["token_type"] == "bearer"' "code exchanged"
RESIDENT="$(field 'b["access_token"]')"

step "Buildings: panels included without asking, links, no meta"
api GET /v3/buildings "$TOKEN"
check 's == 200 and {"data","included","links"} == set(b)' "collection envelope"
check 'all(r["type"] == "panels" for r in b["included"]) and b["links"]["prev"] is None' "panels included"
BUILDING="$(field 'b["data"][0]["id"]')"

step "Paginate units 50 at a time by following links.next"
NEXT="$API/v3/units?page%5Bsize%5D=50"
COUNT=0
while [[ -n "$NEXT" && "$NEXT" != "None" ]]; do
  request GET "$NEXT" -H "Accept: $JSONAPI" -H "Authorization: Bearer $TOKEN" >/dev/null
  check 's == 200 and set(b) == {"data","links"}' "page envelope"
  COUNT=$((COUNT + $(field 'len(b["data"])')))
  NEXT="$(field 'b["links"]["next"]')"
done
[[ "$COUNT" -eq 300 ]] || { echo "MISMATCH: walked $COUNT units, expected 300" >&2; exit 1; }
echo "ok: walked $COUNT units"

step "Filter and include"
api GET "/v3/units?filter%5Bfloor_number%5D=2&include=building,users" "$TOKEN"
check 'all(u["attributes"]["floor_number"] == 2 for u in b["data"]) and {r["type"] for r in b["included"]} == {"buildings","users"}' \
  "filtered units with included building and users"
UNIT="$(field 'b["data"][0]["id"]')"
api GET "/v3/units?filter%5Bcolour%5D=red" "$TOKEN"
check 's == 400 and b["errors"][0]["source"]["parameter"] == "filter[colour]"' "unknown filter is 400"
api GET "/v3/door_releases?unit_id=$UNIT" "$TOKEN"
check "s == 200 and all(d['relationships']['unit']['data']['id'] == '$UNIT' for d in b['data'])" \
  "door releases by bare unit_id"

step "Writes: unit create (200), update, delete; tenant create (201); PIN (204)"
api POST "/v3/buildings/$BUILDING/units" "$TOKEN" \
  '{"data":{"type":"units","relationships":null,"attributes":{"unit_type":"apartment","label":"WALK1","floor_number":11}}}'
check 's == 200 and b["data"]["type"] == "units"' "unit created"
NEW_UNIT="$(field 'b["data"]["id"]')"
api PUT "/v3/units/$NEW_UNIT" "$TOKEN" '{"data":{"type":"units","attributes":{"label":"WALK2"}}}'
check 's == 200 and b["data"]["attributes"]["label"] == "WALK2"' "unit updated"
api POST /v3/tenants "$TOKEN" \
  "{\"data\":{\"type\":\"tenants\",\"attributes\":{\"unit_id\":$NEW_UNIT,\"email\":\"walker@example.com\",\"first_name\":\"Wal\",\"last_name\":\"Ker\"}}}"
check 's == 201 and b["data"]["type"] == "units_users"' "tenant created"
TENANT="$(field 'b["data"]["id"]')"
api PUT /v3/pins "$TOKEN" "{\"data\":{\"type\":\"pins\",\"id\":\"$TENANT\",\"attributes\":{\"code\":\"085434\"}}}"
check 's == 204' "PIN set"
api DELETE "/v3/units/$NEW_UNIT" "$TOKEN"
check 's == 204' "unit deleted"
api GET "/v3/units/$NEW_UNIT" "$TOKEN"
check 's == 404 and b["errors"][0]["title"] == "Record not found"' "deleted unit is gone"

step "Keychains: custom, recurring, one-time, invalid dates, a virtual key"
api GET "/v3/me?include=tenants" "$RESIDENT"
check 's == 200 and b["data"]["type"] == "users"' "resident /me"
OWN_UNIT="$(field 'b["included"][0]["attributes"]["unit_id"]')"
REL="{\"unit\":{\"data\":{\"type\":\"unit\",\"id\":$OWN_UNIT}}}"
api POST /v3/me/keychains/custom "$RESIDENT" \
  "{\"data\":{\"type\":\"keychains\",\"attributes\":{\"name\":\"Custom Key\",\"starts_at\":\"2026-09-12T12:41:53+02:00\",\"ends_at\":\"2026-09-14T12:41:48+02:00\",\"recipients\":[\"test@example.com\",\"+12345678901\"]},\"relationships\":$REL}}"
check 's == 201 and b["data"]["attributes"]["starts_at"] == "2026-09-12T10:41:53Z" and [k["attributes"]["sms_number"] for k in b["included"]] == [None, "+12345678901"]' \
  "custom keychain with split recipients"
KEYCHAIN="$(field 'b["data"]["id"]')"
api POST /v3/me/keychains/recurring "$RESIDENT" \
  "{\"data\":{\"type\":\"keychains\",\"attributes\":{\"name\":\"Recurring Key\",\"start_date\":\"2026-09-12\",\"end_date\":\"2026-09-14\",\"time_from\":\"11:20\",\"time_to\":\"11:50\",\"weekdays\":[\"wed\",\"sat\"]},\"relationships\":$REL}}"
check 's == 201 and b["data"]["attributes"]["kind"] == "recurring" and b["data"]["attributes"]["ends_at"] == "2026-09-14T11:50:00Z"' \
  "recurring keychain"
api POST /v3/me/keychains/one_time "$RESIDENT" \
  "{\"data\":{\"type\":\"keychains\",\"attributes\":{\"name\":\"Delivery\",\"starts_at\":\"2026-09-12T09:00:00Z\",\"ends_at\":\"2026-09-12T18:00:00Z\"},\"relationships\":$REL}}"
check 's == 201 and b["data"]["attributes"]["kind"] == "one_time"' "one-time keychain"
api POST /v3/me/keychains/custom "$RESIDENT" \
  "{\"data\":{\"type\":\"keychains\",\"attributes\":{\"name\":\"Bad\",\"starts_at\":\"\",\"ends_at\":\"2026-09-14T12:41:49+02:00\"},\"relationships\":$REL}}"
check 's == 400 and [e["source"]["pointer"] for e in b["errors"]] == ["/data/attributes/starts_at"]*2 + ["/data/attributes/ends_at"]' \
  "documented invalid-date errors"
api POST "/v3/me/keychains/$KEYCHAIN/virtual_keys" "$RESIDENT" \
  '{"data":{"type":"virtual_keys","relationships":null,"attributes":{"name":"Virtual Key","email":"guest@example.com"}}}'
check 's == 201 and b["data"]["type"] == "virtual_keys" and b["data"]["attributes"]["qr_code_image_url"].endswith(".png")' \
  "virtual key added"
api GET "/v3/me/keychains?include=virtual_keys" "$RESIDENT"
check 's == 200 and any(k["type"] == "virtual_keys" for k in b["included"])' "keychains with keys"

step "Webhook integration on the building, then the v4 remote door release"
api POST "/v3/buildings/$BUILDING/integrations" "$TOKEN" \
  '{"data":{"type":"integrations","attributes":{"integrator":"webhook","config":{"url":"http://127.0.0.1:9/hooks","method":"post"},"bindings":[{"resource_type":"door_release"}]}}}'
check 's == 201 and b["data"]["type"] == "integrations" and len(b["data"]["id"]) == 36' "integration created"
request GET "$API/v4/tenants" -H "Authorization: Bearer $RESIDENT"
check 's == 200 and set(b["data"][0]) >= {"id","building_id","unit","email"}' "v4 tenants"
V4_TENANT="$(field 'b["data"][0]["id"]')"
V4_BUILDING="$(field 'b["data"][0]["building_id"]')"
request GET "$API/v4/access_points?q%5Bbuilding_id_eq%5D=$V4_BUILDING" -H "Authorization: Bearer $RESIDENT"
check "s == 200 and all(p['building_id'] == $V4_BUILDING for p in b['data'])" "v4 access points"
POINT="$(field 'b["data"][0]["id"]')"
request POST "$API/v4/door_release_requests" -H "Content-Type: application/json" \
  -H "Authorization: Bearer $RESIDENT" \
  --data "{\"door_release_request\":{\"access_point_id\":$POINT,\"tenant_id\":$V4_TENANT}}"
check "s == 201 and b['data']['tenant_id'] == $V4_TENANT" "door release request accepted"
RELEASE="$(field 'b["data"]["door_release_id"]')"
api GET "/v3/door_releases/$RELEASE" "$RESIDENT"
check 's == 200 and b["data"]["attributes"]["release_method"] == "mobile"' "release recorded in v3"

step "Ring a call and read its status"
request POST "$CONTROL/scenarios/butterflymx/call" -H "Content-Type: application/json" \
  --data '{"call_type":"voip","outcome":"voip_connected","step_s":0.2}'
check 's == 200 and b["call"]["statuses"] == ["initializing","voip_connected"]' "call scenario"
GUID="$(field 'b["call"]["guid"]')"
sleep 0.5
api GET "/v3/me/calls/$GUID/status" "$RESIDENT"
check 's == 200 and b["data"]["type"] == "call_statuses" and b["data"]["attributes"]["status"] == "voip_connected" and b["included"][0]["type"] == "calls"' \
  "call status with included call"

step "Errors in the reference's shapes"
api GET /v3/me/calls/DOES_NOT_EXIST/status "$RESIDENT"
check 's == 404 and b["errors"][0]["detail"].startswith("Couldn'"'"'t find Call with [WHERE")' "404 with SQL detail"
request GET "$API/v3/me" -H "Accept: $JSONAPI"
check 's == 401 and b["errors"][0]["title"] == "Unauthorized"' "missing token is 401"

echo
echo "butterflymx walk: all checks passed"
