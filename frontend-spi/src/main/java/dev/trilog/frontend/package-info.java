/**
 * The frontend SPI: the contract between the gateway and a protocol frontend. A frontend
 * ({@link dev.trilog.frontend.Frontend}) declares its name and the configuration keys it owns
 * ({@link dev.trilog.frontend.ConfigKey}), checks their values
 * ({@link dev.trilog.frontend.FrontendConfig}), is initialised with the open log and the routing
 * layer ({@link dev.trilog.frontend.FrontendContext}), started and closed. The gateway finds
 * frontends with {@link java.util.ServiceLoader} ({@link dev.trilog.frontend.Frontends}) and knows
 * no protocol by name.
 */
package dev.trilog.frontend;
