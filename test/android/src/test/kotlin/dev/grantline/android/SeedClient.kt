package dev.grantline.android

import android.content.Context
import android.net.Uri
import dev.grantline.seed.aswritten.OAuthManager as AsWrittenManager
import dev.grantline.seed.fixedauthority.OAuthManager as FixedAuthorityManager
import dev.grantline.seed.fixedbaseurl.OAuthManager as FixedBaseUrlManager
import dev.grantline.seed.fixedpadding.OAuthManager as FixedPaddingManager

/**
 * What the test calls on the seed's OAuthManager. The harness compiles the seed's class once per
 * variant (as written, and with each named fix added), each in a package of its own; these
 * adapters only forward.
 */
interface SeedClient {
    val accessToken: String?

    fun authenticate()

    suspend fun handleCallback(callbackUri: Uri): Result<Unit>

    suspend fun refreshToken(): Result<Unit>

    suspend fun makeAuthenticatedRequest(url: String): Result<String>
}

class AsWritten(context: Context, clientId: String, redirectUri: String, authServerUrl: String) : SeedClient {
    private val manager = AsWrittenManager(context, clientId, redirectUri, authServerUrl)
    override val accessToken get() = manager.accessToken
    override fun authenticate() = manager.authenticate()
    override suspend fun handleCallback(callbackUri: Uri) = manager.handleCallback(callbackUri)
    override suspend fun refreshToken() = manager.refreshToken()
    override suspend fun makeAuthenticatedRequest(url: String) = manager.makeAuthenticatedRequest(url)
}

class FixedAuthority(context: Context, clientId: String, redirectUri: String, authServerUrl: String) : SeedClient {
    private val manager = FixedAuthorityManager(context, clientId, redirectUri, authServerUrl)
    override val accessToken get() = manager.accessToken
    override fun authenticate() = manager.authenticate()
    override suspend fun handleCallback(callbackUri: Uri) = manager.handleCallback(callbackUri)
    override suspend fun refreshToken() = manager.refreshToken()
    override suspend fun makeAuthenticatedRequest(url: String) = manager.makeAuthenticatedRequest(url)
}

class FixedPadding(context: Context, clientId: String, redirectUri: String, authServerUrl: String) : SeedClient {
    private val manager = FixedPaddingManager(context, clientId, redirectUri, authServerUrl)
    override val accessToken get() = manager.accessToken
    override fun authenticate() = manager.authenticate()
    override suspend fun handleCallback(callbackUri: Uri) = manager.handleCallback(callbackUri)
    override suspend fun refreshToken() = manager.refreshToken()
    override suspend fun makeAuthenticatedRequest(url: String) = manager.makeAuthenticatedRequest(url)
}

class FixedBaseUrl(context: Context, clientId: String, redirectUri: String, authServerUrl: String) : SeedClient {
    private val manager = FixedBaseUrlManager(context, clientId, redirectUri, authServerUrl)
    override val accessToken get() = manager.accessToken
    override fun authenticate() = manager.authenticate()
    override suspend fun handleCallback(callbackUri: Uri) = manager.handleCallback(callbackUri)
    override suspend fun refreshToken() = manager.refreshToken()
    override suspend fun makeAuthenticatedRequest(url: String) = manager.makeAuthenticatedRequest(url)
}
