"""The citizen's phone: a live page per ticket behind the QR code, and a public queue board
(`kcc web`, issue 19). See docs/phone.md."""
