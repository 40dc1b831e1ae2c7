#!/bin/sh
# Stands in for an interpreter that starts but never connects back (a hung import, say).
echo "importing something slow..."
exec sleep 60
