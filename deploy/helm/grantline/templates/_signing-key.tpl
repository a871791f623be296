{{/*
A new ES256 signing key as a private JWK (RFC 7517/7518), made with Sprig alone.

Sprig's `genPrivateKey "ecdsa"` returns a P-256 key as a PEM "EC PRIVATE KEY": the DER of a
SEC1 ECPrivateKey (RFC 5915), which Go writes with fixed sizes: 7 header bytes, the 32-byte
private scalar d, 18 bytes naming the curve and opening the public key, then the uncompressed
point 0x04 || x || y of 32 bytes each. The JWK's d, x and y are those bytes in base64url.
The fixed bytes around them are checked, so a change of format fails the render instead of
producing a wrong key.
*/}}
{{- define "grantline.base64url" -}}
{{- . | b64enc | trimAll "=" | replace "+" "-" | replace "/" "_" -}}
{{- end -}}

{{- define "grantline.newSigningJwk" -}}
{{- $pem := genPrivateKey "ecdsa" -}}
{{- $der := $pem | replace "-----BEGIN EC PRIVATE KEY-----" "" | replace "-----END EC PRIVATE KEY-----" "" | nospace | b64dec -}}
{{- if or (ne (len $der) 121) (ne (substr 0 7 $der | b64enc) "MHcCAQEEIA==") (ne (substr 39 57 $der | b64enc) "oAoGCCqGSM49AwEHoUQDQgAE") -}}
{{- fail "genPrivateKey \"ecdsa\" no longer returns a SEC1 P-256 key of the expected layout; set secrets.existingSecret instead" -}}
{{- end -}}
{{- $kid := printf "helm-%s-%s" (now | date "2006-01-02") (randAlphaNum 6 | lower) -}}
{{- dict
  "kty" "EC"
  "crv" "P-256"
  "alg" "ES256"
  "use" "sig"
  "kid" $kid
  "d" (include "grantline.base64url" (substr 7 39 $der))
  "x" (include "grantline.base64url" (substr 57 89 $der))
  "y" (include "grantline.base64url" (substr 89 121 $der))
  | toJson -}}
{{- end -}}

{{/*
A new RS256 signing key, for ID tokens (OpenID Connect Core §15.1: every provider signs them
with RS256), as a `{ "kid", "alg", "pem" }` entry: Sprig's `genPrivateKey "rsa"` writes a PKCS#1
"RSA PRIVATE KEY" PEM, which Grantline reads as it is. Access tokens keep the ES256 key, which
stays first.
*/}}
{{- define "grantline.newRsaSigningEntry" -}}
{{- $pem := genPrivateKey "rsa" -}}
{{- if not (hasPrefix "-----BEGIN RSA PRIVATE KEY-----" $pem) -}}
{{- fail "genPrivateKey \"rsa\" no longer returns a PKCS#1 PEM; set secrets.existingSecret instead" -}}
{{- end -}}
{{- $kid := printf "helm-rsa-%s-%s" (now | date "2006-01-02") (randAlphaNum 6 | lower) -}}
{{- dict "kid" $kid "alg" "RS256" "pem" $pem | toJson -}}
{{- end -}}
