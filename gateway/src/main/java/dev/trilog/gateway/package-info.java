/**
 * The {@code trilog} process: the command line ({@link dev.trilog.gateway.TrilogMain}), start-up
 * in a safe order ({@link dev.trilog.gateway.Gateway}) of the protocol frontends it finds on the
 * class path (the frontend SPI, {@link dev.trilog.frontend.Frontend}) and the admin endpoint, each
 * one of its {@link dev.trilog.gateway.Listener}s, and graceful shutdown
 * ({@link dev.trilog.gateway.RunningGateway#close()}). Configuration is in
 * {@code dev.trilog.gateway.config}; the admin HTTP endpoint in {@code dev.trilog.gateway.admin}.
 */
package dev.trilog.gateway;
