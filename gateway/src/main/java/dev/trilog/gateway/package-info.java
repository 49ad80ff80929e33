/**
 * The {@code trilog} process: the command line ({@link dev.trilog.gateway.TrilogMain}), start-up
 * in a safe order ({@link dev.trilog.gateway.Gateway}), the listener seam the protocol frontends
 * plug into ({@link dev.trilog.gateway.Frontend}), and graceful shutdown
 * ({@link dev.trilog.gateway.RunningGateway#close()}). Configuration is in
 * {@code dev.trilog.gateway.config}; the admin HTTP endpoint in {@code dev.trilog.gateway.admin}.
 */
package dev.trilog.gateway;
