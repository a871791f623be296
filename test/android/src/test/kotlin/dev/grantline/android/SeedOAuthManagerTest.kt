package dev.grantline.android

import android.app.Activity
import android.content.Context
import android.content.Intent
import android.net.Uri
import androidx.browser.customtabs.CustomTabsIntent
import com.google.gson.GsonBuilder
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf

/**
 * Drives the seed's OAuthManager, in each of the variants the test harness compiled, through one
 * authorization against a running Grantline: authenticate() inside a Robolectric Activity (the real
 * CustomTabsIntent records the URL it would open), the person's browser (a loopback endpoint of the
 * harness that signs in and consents), handleCallback() with the redirect, then refreshToken() and an
 * API call. Each step's outcome is written to the report file; the harness judges them, so a step
 * that fails here is recorded, not thrown.
 */
@RunWith(RobolectricTestRunner::class)
class SeedOAuthManagerTest {
    private val serverUrl = setting("grantline.url")
    private val clientId = setting("grantline.client_id")
    private val redirectUri = setting("grantline.redirect_uri")
    private val browserUrl = setting("grantline.browser")
    private val reportFile = File(setting("grantline.report"))
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()

    @Test
    fun asWritten() = flow("as-written", serverUrl) { context, url -> AsWritten(context, clientId, redirectUri, url) }

    @Test
    fun schemeAndAuthorityFromServerUrl() =
        flow("fixed-authority", serverUrl) { context, url -> FixedAuthority(context, clientId, redirectUri, url) }

    @Test
    fun unpaddedPkce() =
        flow("fixed-padding", serverUrl) { context, url -> FixedPadding(context, clientId, redirectUri, url) }

    @Test
    fun unpaddedPkceWithTrailingSlash() =
        flow("fixed-padding, server URL with a trailing slash", "$serverUrl/") { context, url ->
            FixedPadding(context, clientId, redirectUri, url)
        }

    @Test
    fun trailingSlashTrimmed() =
        flow("fixed-base-url, server URL with a trailing slash", "$serverUrl/") { context, url ->
            FixedBaseUrl(context, clientId, redirectUri, url)
        }

    private fun flow(scenario: String, url: String, make: (Context, String) -> SeedClient) {
        val report = linkedMapOf<String, Any?>("scenario" to scenario, "serverUrl" to url)
        try {
            val activity = Robolectric.buildActivity(Activity::class.java).setup().get()
            val client = make(activity, url)
            client.authenticate()
            val intent: Intent? = shadowOf(activity).nextStartedActivity
            report["intentAction"] = intent?.action
            report["customTab"] = intent?.hasExtra(CustomTabsIntent.EXTRA_SESSION) ?: false
            val authorizationUrl = intent?.data?.toString() ?: return
            report["authorizationUrl"] = authorizationUrl

            val browsed = browse(authorizationUrl)
            report["browser"] = browsed
            val callback = browsed["callback"] as String? ?: return

            val prefs = activity.getSharedPreferences("oauth_prefs", Context.MODE_PRIVATE)
            val handled = runBlocking { client.handleCallback(Uri.parse(callback)) }
            report["handleCallback"] = outcome(handled)
            if (handled.isFailure) return
            report["accessToken"] = client.accessToken
            report["refreshToken"] = prefs.getString("refresh_token", null)

            val refreshed = runBlocking { client.refreshToken() }
            report["refresh"] = outcome(refreshed)
            report["accessTokenAfterRefresh"] = client.accessToken
            report["refreshTokenAfterRefresh"] = prefs.getString("refresh_token", null)

            val user = runBlocking { client.makeAuthenticatedRequest("$serverUrl/api/user") }
            report["apiUser"] = user.getOrNull() ?: outcome(user)
        } catch (error: Throwable) {
            report["thrown"] = error.stackTraceToString()
        } finally {
            synchronized(reportFile) { reportFile.appendText(gson.toJson(report) + "\n") }
        }
    }

    /** The person at the browser: the harness follows the URL through sign-in and consent. */
    private fun browse(authorizationUrl: String): Map<String, Any?> {
        val request = HttpRequest.newBuilder(URI.create(browserUrl))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(authorizationUrl))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        return if (response.statusCode() == 200) mapOf("callback" to response.body())
        else mapOf("error" to response.body())
    }

    private fun outcome(result: Result<*>): Map<String, Any?> =
        if (result.isSuccess) mapOf("ok" to true) else mapOf("ok" to false, "error" to result.exceptionOrNull()?.message)

    private companion object {
        val gson = GsonBuilder().serializeNulls().disableHtmlEscaping().create()

        fun setting(name: String): String =
            System.getProperty(name) ?: throw IllegalStateException("system property $name is not set")
    }
}
