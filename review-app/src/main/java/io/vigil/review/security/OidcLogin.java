package io.vigil.review.security;

/** Names shared by the login configuration and the built-in identity provider. */
final class OidcLogin {

    /** The client registration the web app signs in through. */
    static final String REGISTRATION_ID = "vigil";

    private OidcLogin() {}
}
