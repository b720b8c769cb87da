# tests/cli/etcd_helpers.bash - a real etcd (Debian etcd-server) for the
# suites that scan etcd:// targets: started on 127.0.0.1 with free ports
# and a temporary data dir, filled through the v3 JSON gateway.

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_etcd DIR: run etcd with its data in DIR; sets ETCD_URL, ETCD_PID.
start_etcd() {
	local dir=$1 client peer i
	client=$(free_port)
	peer=$(free_port)
	mkdir -p "$dir"
	etcd --name ks --data-dir "$dir/data" \
		--listen-client-urls "http://127.0.0.1:$client" \
		--advertise-client-urls "http://127.0.0.1:$client" \
		--listen-peer-urls "http://127.0.0.1:$peer" \
		--initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--initial-cluster "ks=http://127.0.0.1:$peer" \
		>"$dir/etcd.log" 2>&1 3>&- &
	ETCD_PID=$!
	ETCD_URL="http://127.0.0.1:$client"
	for i in $(seq 100); do
		curl -fsS "$ETCD_URL/version" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$dir/etcd.log" >&2
	return 1
}

stop_etcd() {
	if [ -n "${ETCD_PID:-}" ]; then
		kill "$ETCD_PID" 2>/dev/null || true
		wait "$ETCD_PID" 2>/dev/null || true
	fi
}

# etcd_put KEY VALUE [TOKEN]
etcd_put() {
	local body
	body=$(jq -cn --arg k "$(printf '%s' "$1" | base64 -w0)" \
		--arg v "$(printf '%s' "$2" | base64 -w0)" '{key: $k, value: $v}')
	curl -fsS -X POST ${3:+-H "Authorization: $3"} "$ETCD_URL/v3/kv/put" -d "$body" >/dev/null
}

# etcd_bulk PREFIX N: N plain keys PREFIX0000..., over one connection.
etcd_bulk() {
	python3 - "$ETCD_URL" "$1" "$2" <<-'EOF'
	import base64, http.client, json, sys, urllib.parse
	u = urllib.parse.urlsplit(sys.argv[1])
	c = http.client.HTTPConnection(u.hostname, u.port)
	b = lambda s: base64.b64encode(s.encode()).decode()
	for i in range(int(sys.argv[3])):
	    c.request("POST", "/v3/kv/put", json.dumps(
	        {"key": b("%s%04d" % (sys.argv[2], i)), "value": b("value %d" % i)}))
	    r = c.getresponse(); r.read(); assert r.status == 200
	EOF
}
