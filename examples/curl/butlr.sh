#!/usr/bin/env bash
# Walk the simulated Butlr API with plain curl: logins, lists, cursors, details, writes,
# occupancy reporting and detections; checks every answer against the reference's shapes.
# Usage: examples/curl/butlr.sh [CONTROL_URL]   (default http://127.0.0.1:8700/_control)
set -euo pipefail

CONTROL="${1:-http://127.0.0.1:8700/_control}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
BODY="$WORK/body.json"
STATUS=""

fail() { echo "FAIL: $*" >&2; exit 1; }

# py EXPR: evaluate a Python expression with `d` = the last response body (JSON); print it.
py() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$BODY" "$1"; }

# expect EXPR: the last response body must satisfy the Python expression (`d` = body).
expect() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
    "$BODY" "$1" || fail "check failed: $1"
}

# call METHOD URL [curl args...]: run the request, print status and (the head of) the body.
call() {
  local method="$1" url="$2"
  shift 2
  STATUS="$(curl -sS -o "$BODY" -w '%{http_code}' -X "$method" "$url" "$@")"
  echo "== $method ${url#"$API"} -> $STATUS"
  python3 -c 'import sys; t=open(sys.argv[1]).read(); print(t if len(t) <= 1500 else t[:1500] + " ... (%d bytes)" % len(t))' "$BODY"
}
status() { [ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS"; }
json() { printf '%s' "$1"; }

# --- where the sandbox is, and who we are --------------------------------------------------
curl -fsS "$CONTROL" -o "$BODY"
API="$(py 'd["vendors"]["butlr"]["api_url"]')"
AUTH="$(py 'd["vendors"]["butlr"]["auth_url"]')"
CLIENT_ID="$(py 'd["vendors"]["butlr"]["credentials"]["client_id"]')"
CLIENT_SECRET="$(py 'd["vendors"]["butlr"]["credentials"]["client_secret"]')"
AUDIENCE="$(py 'd["vendors"]["butlr"]["credentials"]["audience"]')"
USERNAME="$(py 'd["vendors"]["butlr"]["credentials"]["username"]')"
PASSWORD="$(py 'd["vendors"]["butlr"]["credentials"]["password"]')"
JSON=(-H 'Content-Type: application/json')

# --- 1. M2M client login (documented curl) --------------------------------------------------
call POST "$AUTH/api/v2/clients/login" "${JSON[@]}" --data-raw "$(json "{
  \"client_id\": \"$CLIENT_ID\", \"client_secret\": \"$CLIENT_SECRET\",
  \"audience\": \"$AUDIENCE\", \"grant_type\": \"client_credentials\"}")"
status 200
expect 'set(d) == {"access_token", "scope", "expires_in", "token_type"} and d["token_type"] == "Bearer"'
expect 'd["access_token"].count(".") == 2'
TOKEN="$(py 'd["access_token"]')"
python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; c=json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4))); assert c["azp"]==sys.argv[2] and c["exp"]>c["iat"], c' \
  "$TOKEN" "$CLIENT_ID" || fail "access token payload"
BEARER=(-H "Authorization: Bearer $TOKEN")

call POST "$AUTH/api/v2/clients/login" "${JSON[@]}" --data-raw "$(json "{
  \"client_id\": \"$CLIENT_ID\", \"client_secret\": \"wrong\",
  \"audience\": \"$AUDIENCE\", \"grant_type\": \"client_credentials\"}")"
status 401
expect 'd == {"message": "Unauthorized"}'

call GET "$API/api/v2/spaces"
status 401
expect 'd == {"message": "Unauthorized"}'

# --- 2. spaces, with and without details -----------------------------------------------------
call GET "$API/api/v2/spaces" "${BEARER[@]}"
status 200
expect 'set(d) == {"data", "next", "prev"} and d["next"] == "" and d["prev"] == ""'
expect 'set(d["data"][0]) == {"id","name","address","capacity","mid_capacity","area","timezone","installation_date","sensors","hives","rooms","gateways"}'
expect 'set(d["data"][0]["sensors"][0]) == {"id","mac_address","name","mode","isEntrance","hive","room","gateway_id","height","center"}'
expect 'set(d["data"][0]["hives"][0]) == {"id","serial_number","num_sensors"}'
SPACE_ID="$(py 'd["data"][0]["id"]')"
ROOM_ID="$(py 'd["data"][0]["rooms"][0]["id"]')"

call GET "$API/api/v2/spaces/$SPACE_ID?details=true" "${BEARER[@]}"
status 200
expect '{"remainingBatteryPercent","isBatteryLow","last_heartbeat"} <= set(d["sensors"][0])'
expect 'all("sensors" in r for r in d["rooms"])'

# --- 3. sensors: cursor pagination, lookup by MAC ------------------------------------------
call GET "$API/api/v2/sensors" "${BEARER[@]}"
status 200
expect 'len(d["data"]) == 50 and d["next"] != "" and d["prev"] == ""'
SEEN="$(py 'len(d["data"])')"
NEXT="$(py 'd["next"]')"
MAC="$(py 'd["data"][0]["mac_address"].upper().replace("-", ":")')"
SENSOR_ID="$(py 'd["data"][0]["id"]')"
while [ -n "$NEXT" ]; do
  call GET "$API/api/v2/sensors?cursor=$NEXT" "${BEARER[@]}"
  status 200
  expect 'd["prev"] != ""'
  SEEN=$((SEEN + $(py 'len(d["data"])')))
  NEXT="$(py 'd["next"]')"
done
[ "$SEEN" = 120 ] || fail "walked $SEEN sensors, expected 120"

call GET "$API/api/v2/sensors?cursor=not-a-cursor" "${BEARER[@]}"
status 400
expect 'd == {"message": "Invalid request"}'

call GET "$API/api/v2/sensors/$MAC" "${BEARER[@]}"
status 200
expect "d['id'] == '$SENSOR_ID' and d['center'] == d['coordinates']"
expect '{"orientation","activeHours","gateway","space","room","hive"} <= set(d)'

call PATCH "$API/api/v2/sensors/$SENSOR_ID" "${BEARER[@]}" "${JSON[@]}" --data-raw '{"name": "Front Door"}'
status 200
expect 'set(d) == {"data"} and d["data"][0]["name"] == "Front Door"'

# --- 4. hives -------------------------------------------------------------------------------
call GET "$API/api/v2/hives" "${BEARER[@]}"
status 200
expect 'len(d["data"]) == 6'
SERIAL="$(py 'd["data"][0]["serial_number"]')"
call GET "$API/api/v2/hives/$SERIAL" "${BEARER[@]}"
status 200
expect 'set(d) == {"id","serial_number","sensors","gateways","space","mqtt"}'

# --- 5. rooms, room types, zones ----------------------------------------------------------
call GET "$API/api/v2/room-types" "${BEARER[@]}"
status 200
expect 'len(d["data"]) == 35 and set(d["data"][0]) == {"key", "name"}'

call GET "$API/api/v2/spaces/$SPACE_ID/rooms" "${BEARER[@]}"
status 200
expect 'set(d["data"][0]) == {"id","type","coordinates","color","space_id","name","maxCapacity","area","capacity","mid_capacity"}'

call GET "$API/api/v2/spaces/$SPACE_ID/rooms/$ROOM_ID" "${BEARER[@]}"
status 200
expect 'set(d) == {"id","type","name","coordinates","sensors","color","space","maxCapacity","area","capacity","mid_capacity"}'

call GET "$API/api/v2/spaces/$SPACE_ID/zones" "${BEARER[@]}"
status 200
expect 'set(d["data"][0]) == {"id","type","name","color","coordinates","space_id","area","area_unit","capacity","mid_capacity","room_id"}'

# --- 6. writes: a new space with a room and a zone, then cleanup -------------------------------
call POST "$API/api/v2/spaces" "${BEARER[@]}" "${JSON[@]}" --data-raw '{"name": "794 Odie Knolls"}'
status 201
expect 'set(d) == {"id", "name"}'
NEW_SPACE="$(py 'd["id"]')"

call POST "$API/api/v2/spaces/$NEW_SPACE/rooms" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  '[{"name": "Hot Desks", "type": "hotdesk", "height": 3, "color": [255, 0, 0, 255], "coordinates": [[50.53, 30.82], [62.87, 30.82], [62.87, 20.02], [50.53, 20.02]]}]'
status 201
expect 'isinstance(d, list) and d[0]["name"] == "Hot Desks" and d[0]["sensors"] == []'
NEW_ROOM="$(py 'd[0]["id"]')"

call PUT "$API/api/v2/spaces/$NEW_SPACE/rooms/$NEW_ROOM" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  '[{"name": "Hot Desks East", "type": "hotdesk", "height": 3, "color": [255, 0, 0, 255], "coordinates": [[50, 30], [62, 30], [62, 20], [50, 20]]}]'
status 200
expect 'd["name"] == "Hot Desks East" and d["area"] == 120'

call POST "$API/api/v2/spaces/$NEW_SPACE/zones" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  "[{\"name\": \"Window\", \"type\": \"area\", \"coordinates\": [50, 20, 55, 20, 55, 25], \"capacity\": 4, \"room_id\": \"$NEW_ROOM\"}]"
status 201
NEW_ZONE="$(py 'd[0]["id"]')"
call PATCH "$API/api/v2/spaces/$NEW_SPACE/zones/$NEW_ZONE" "${BEARER[@]}" "${JSON[@]}" --data-raw '{"capacity": 6}'
status 200
expect 'd["capacity"] == 6 and d["room_id"] != ""'

call DELETE "$API/api/v2/spaces/$NEW_SPACE/rooms/$NEW_ROOM" "${BEARER[@]}"
status 204
call DELETE "$API/api/v2/spaces/$NEW_SPACE" "${BEARER[@]}"
status 204
call GET "$API/api/v2/spaces/$NEW_SPACE" "${BEARER[@]}"
status 404
expect 'd == {"message": "Not Found"}'

# --- 7. user login and refresh rotation -----------------------------------------------------
call POST "$AUTH/api/v2/login" "${JSON[@]}" --data-raw "{\"username\": \"$USERNAME\", \"password\": \"$PASSWORD\"}"
status 200
expect 'set(d) == {"access_token","refresh_token","id_token","scope","expires_in","token_type"}'
REFRESH="$(py 'd["refresh_token"]')"
APP_CLIENT="$(python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["azp"])' "$(py 'd["access_token"]')")"

call POST "$AUTH/api/v2/token/refresh" "${JSON[@]}" --data-raw "{\"refresh_token\": \"$REFRESH\", \"client_id\": \"$APP_CLIENT\"}"
status 200
expect "d['refresh_token'] != '$REFRESH'"
call POST "$AUTH/api/v2/token/refresh" "${JSON[@]}" --data-raw "{\"refresh_token\": \"$REFRESH\", \"client_id\": \"$APP_CLIENT\"}"
status 401
expect 'd == {"message": "Unauthorized"}'

# --- 8. occupancy: the documented reporting example, then current counts per room -------------
call POST "$API/api/v3/reporting" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  '{"group_by": {"order": ["space_id", "field"]}, "window": {"every": "5m", "function": "max"}, "filter": {"start": "-1d"}}'
status 200
expect "set(d['data']['$SPACE_ID']['occupancy']) == {'sum','min','max','count','mean','median','stddev'}"

curl -fsS -X POST "$CONTROL/scenarios/butlr/occupancy" "${JSON[@]}" \
  --data-raw "{\"room_id\": \"$ROOM_ID\", \"count\": 5}" -o "$BODY"
echo "== scenario occupancy -> $(cat "$BODY")"

call POST "$API/api/v3/reporting" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  "{\"filter\": {\"start\": \"-5m\", \"spaces\": [\"$SPACE_ID\"]}, \"window\": {\"every\": \"5m\", \"function\": \"last\"}, \"group_by\": {\"order\": [\"room_id\", \"field\", \"time\"]}}"
status 200
expect "d['data']['$ROOM_ID']['occupancy'][-1]['value'] == 5 and len(d['data']) == 20"
expect "set(d['data']['$ROOM_ID']['occupancy'][-1]) == {'time', 'value'}"

call POST "$API/api/v3/reporting" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  '{"filter": {"start": "-30m"}, "window": {"every": "1h", "function": "max"}}'
status 400
expect 'd == {"message": "Invalid request"}'

# --- 9. detections ------------------------------------------------------------------------
call POST "$API/api/v3/detections" "${BEARER[@]}" "${JSON[@]}" --data-raw \
  "{\"data_types\": [\"detections_local\"], \"filter\": {\"start\": \"-1m\", \"room_id\": \"$ROOM_ID\"}, \"window\": {\"every\": \"1m\", \"function\": \"last\"}}"
status 200
expect 'all(set(e) == {"start_time","sample_time","mac_address","value"} for e in d["detections_local"])'
expect 'sum(len(e["value"]) for e in d["detections_local"][-2:]) == 5'

# --- 10. what the reference does not have --------------------------------------------------
echo "== webhooks: the Butlr REST reference documents none (no registration to walk)"
call GET "$API/api/v2/webhooks" "${BEARER[@]}"
status 404
expect 'd == {"message": "Not Found"}'

echo "OK: butlr walk passed"
