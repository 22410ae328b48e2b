<?php header('Location: http://example.org/done?from=php'); echo "moved\n";
