/**
 * Who a Kafka client is: SASL on the {@code SASL_PLAINTEXT} and {@code SASL_SSL} listeners
 * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, KIP-368 re-authentication) checked against the broker's
 * one user store, and the SCRAM credential APIs that manage it. The authenticated
 * {@link org.apache.kafka.common.security.auth.KafkaPrincipal} rides on each request's context,
 * where an authorizer reads it.
 */
package dev.trilog.kafka.security;
