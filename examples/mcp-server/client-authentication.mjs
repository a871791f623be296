// How this example's confidential clients authenticate to Grantline.

/** RFC 6749 §2.3.1: id and secret are form-encoded before being joined for Basic. */
export function basicAuthorization(clientId, clientSecret) {
  const encode = (value) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
