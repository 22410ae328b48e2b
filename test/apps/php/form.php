<?php
header('Content-Type: text/plain');
if ($_SERVER['REQUEST_METHOD'] === 'POST')
	echo "hello ", $_POST['name'], " (", count($_POST), " fields)\n";
else
	echo "<form method=post><input name=name></form>\n";
