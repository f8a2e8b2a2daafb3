//! TLS by rustls with the `ring` crypto provider (never aws-lc).

/// Installs `ring` as the process-wide rustls crypto provider unless one is installed
/// already (by the application, or by an earlier client). reqwest's `rustls-no-provider`
/// build uses that provider for every HTTPS connection.
pub(crate) fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: some provider is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// True for `localhost` and loopback addresses (127.0.0.0/8, ::1).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
