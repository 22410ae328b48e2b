<?php header('Content-Type: text/plain');
echo "PATH_INFO=", $_SERVER['PATH_INFO'] ?? '', "\nHTTPS=", $_SERVER['HTTPS'] ?? '', "\n";
