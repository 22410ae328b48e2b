<?php echo "index.php ran: ", $_SERVER['SCRIPT_NAME'], "\n";
