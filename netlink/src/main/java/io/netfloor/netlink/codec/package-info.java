// SPDX-License-Identifier: Apache-2.0
/**
 * One codec per kernel object: {@code HtbQdiscCodec}, {@code HtbClassCodec}, {@code
 * LeafQdiscCodec}, {@code U32FilterCodec}, {@code LinkCodec}, each holding the encoder of the
 * requests and the decoder of the dumps side by side, over the structs of {@code
 * io.netfloor.netlink.wire}. Pure functions from plan objects to bytes and back: no I/O.
 */
package io.netfloor.netlink.codec;
