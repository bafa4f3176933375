#!/usr/bin/env bash
# Create a throwaway CA and a server certificate for 127.0.0.1/localhost in
# .stack/tls/ (used by SMTP STARTTLS and IMAP STARTTLS). Kept if already there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -s $TLS_CA && -s $TLS_CERT && -s $TLS_KEY ]] &&
   openssl verify -CAfile "$TLS_CA" "$TLS_CERT" >/dev/null 2>&1 &&
   openssl x509 -in "$TLS_CERT" -noout -checkend 86400 >/dev/null; then
  exit 0
fi

log "generating TLS CA and server certificate in $TLS_DIR"
mkdir -p "$TLS_DIR"
cd "$TLS_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
  -subj "/CN=Mailbridge Test CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
  -keyout server.key -out server.csr 2>/dev/null
cat >server.ext <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days 825 -sha256 -extfile server.ext -out server.pem 2>/dev/null
# Full chain for servers that want it.
cat server.pem ca.pem >server-chain.pem
rm -f server.csr server.ext
chmod 600 ca.key server.key
