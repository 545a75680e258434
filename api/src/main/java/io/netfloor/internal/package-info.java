// SPDX-License-Identifier: Apache-2.0
/**
 * Machinery NetFloor's own modules share and nobody else should use: not API, exported on the
 * module path only to the NetFloor modules that need it, and free to change in any release.
 */
package io.netfloor.internal;
