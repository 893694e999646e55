/**
 * The wire protocol shared by cxld and cxlctl (protocol/README.md): request and response records,
 * error codes, events, list parameters and the list option set both programs parse, the default
 * socket path, the JSON codec, and {@code Numbers}, the one parser of numbers from text. Jackson
 * only; the picocli annotations on {@code ListOptions} are inert without picocli. No IO.
 */
package dev.cxld.protocol;
