/**
 * Containment for relying parties (servers, brokers, gateways): the fleet authority's signed revocation notices
 * ({@link io.keywarden.relyingparty.Notice}, {@link io.keywarden.relyingparty.NoticeCodec}), a persisted
 * {@link io.keywarden.relyingparty.DenySet}, a {@link io.keywarden.relyingparty.NoticeSubscriber} that feeds it from
 * any message source (or {@link io.keywarden.relyingparty.MqttNoticeSource}), and a
 * {@link io.keywarden.relyingparty.RevocationTrustManager} that refuses denied certificates at the TLS handshake.
 */
@Version("1.0.0")
@Export
package io.keywarden.relyingparty;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
