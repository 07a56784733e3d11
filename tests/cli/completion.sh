#!/bin/sh
. "$top_srcdir/tests/setup.sh"
done_testing
